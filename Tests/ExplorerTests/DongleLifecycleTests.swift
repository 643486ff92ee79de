import BGAPICore
import Testing
import TUI
@testable import Explorer

/// The dongle going away and coming back, as the explorer decides it: a gone dongle is said on the status
/// line until it answers again, blex asks to reopen it once a `reopenInterval`, and the scan resumes on its
/// return (or after a reset in place) if the user wanted it.
struct DongleLifecycleTests {
    /// The status line: the last row of the rendered screen.
    func statusLine(_ s: ExplorerState) -> String { ExplorerView.render(s).text.split(separator: "\n").last.map(String.init) ?? "" }

    @Test func aGoneDongleIsOnTheStatusLineUntilItIsBack() {
        var s = connectedState()
        s.width = 160
        send(&s, .tick(2000))
        send(&s, .disconnected(hrmAddress, reason: "portClosed: the port closed"))
        #expect(send(&s, .dongleGone("unplugged")).isEmpty)
        #expect(s.dongleGone == "unplugged")
        #expect(statusLine(s).contains("NO DONGLE"), "\(statusLine(s))")
        #expect(s.lastError?.contains("dongle gone (unplugged)") == true)
        #expect(s.hrm?.isLive == false)

        // A key clears the last error, never the state of the dongle.
        press(&s, .down)
        #expect(statusLine(s).contains("NO DONGLE"))

        #expect(send(&s, .dongleBack) == [.startScan])
        #expect(s.dongleGone == nil)
        #expect(!statusLine(s).contains("NO DONGLE"))
        #expect(s.notice?.contains("dongle back") == true)
    }

    @Test func aGoneDongleIsReopenedOnceAnIntervalWhileTicksCome() {
        var s = scannedState()
        send(&s, .tick(2000))
        send(&s, .dongleGone("unplugged"))
        var asked: [Timestamp] = []
        for t in stride(from: 2000.25, through: 2004.0, by: 0.25) where send(&s, .tick(t)).contains(.reopenDongle) {
            asked.append(t)
        }
        #expect(asked == [2001.0, 2002.0, 2003.0, 2004.0])
        send(&s, .dongleBack)
        #expect(!send(&s, .tick(2010)).contains(.reopenDongle))
    }

    @Test func theScanResumesOnlyIfTheUserWantedIt() {
        var s = scannedState()
        press(&s, ch("p"))
        #expect(s.paused)
        send(&s, .dongleGone("unplugged"))
        #expect(send(&s, .dongleBack).isEmpty)
        #expect(s.paused, "still stopped, as the user left it")
    }

    @Test func aResetInPlaceDropsTheLinksAndRestartsTheScan() {
        var s = connectedState()
        send(&s, .disconnected(hrmAddress, reason: "dongleReset: the dongle reset"))
        #expect(send(&s, .dongleReset) == [.startScan])
        #expect(s.lastError?.contains("the dongle reset") == true)
        #expect(s.dongleGone == nil)
    }

    @Test func keysThatNeedTheDongleSayItIsGone() {
        var s = scannedState()
        send(&s, .dongleGone("unplugged"))
        s.selectedDevice = hrmAddress
        #expect(press(&s, .enter).isEmpty)
        #expect(s.lastError?.contains("no dongle") == true, "\(s.lastError ?? "nil")")
    }

    /// A disconnect the user asked for is no error: the status line says it in green, not red.
    @Test func aDisconnectTheUserAskedForIsANoticeNotAnError() {
        var s = connectedState()
        #expect(press(&s, ch("d")) == [.disconnect(hrmAddress)])
        send(&s, .disconnected(hrmAddress, reason: "localHostClosed (0x0216): the host closed the link"))
        #expect(s.hrm == nil)
        #expect(s.lastError == nil, "\(s.lastError ?? "")")
        #expect(s.notice?.contains("disconnected") == true)
    }
}

import BGAPICore
import Testing

/// The catalog covers the whole v1 API of the reference (Appendix A) and names things as it does.
@Suite struct CatalogTests {
    let all = BGAPIMessageCatalog.all

    @Test func everyCommandResponseAndEventIsPresent() {
        #expect(all.filter { $0.kind == .command }.count == 114)
        #expect(all.filter { $0.kind == .event }.count == 37)
        // system_reset, system_delay_reset and dfu_reset have no response.
        #expect(all.filter { $0.kind == .response }.count == 111)
        #expect(Set(all.map(\.messageClass.rawValue)) == Set(0 ... 9))
        let missing = Set(all.filter { $0.kind == .command }.map(\.name)).subtracting(all.filter { $0.kind == .response }.map(\.name))
        #expect(missing == ["system_reset", "system_delay_reset", "dfu_reset"])
    }

    @Test func identitiesAreUnique() {
        let keys = all.map { "\($0.kind)-\($0.messageClass.rawValue)-\($0.messageID)" }
        #expect(Set(keys).count == keys.count)
        #expect(BGAPIMessageCatalog.allPayloadTypes.count == all.count)
    }

    @Test func everyArrayIsTheLastField() {
        for d in all where d.fields.contains(where: { $0.wireType == .uint8Array }) {
            #expect(d.fields.last?.wireType == .uint8Array, "\(d.name)")
        }
    }

    @Test func everyMessageHasASummary() {
        for d in all where d.kind != .response {
            #expect(!d.summary.isEmpty, "\(d.name) has no summary")
        }
    }

    @Test func unknownClassOrIDDecodesToRawBytes() throws {
        let p = BGAPIPacket(messageType: .commandOrResponse, messageClass: .gap, messageID: 0x42, payload: [1, 2, 3])
        #expect(try BGAPIMessage(decoding: p, direction: .deviceToHost) == .response(.unknown(p)))
        #expect(try BGAPIMessage(decoding: p, direction: .hostToDevice) == .command(.unknown(p)))
        let q = BGAPIPacket(messageType: .event, messageClass: BGAPIMessageClass(rawValue: 0x33), messageID: 0, payload: [])
        #expect(try BGAPIMessage(decoding: q, direction: .deviceToHost) == .event(.unknown(q)))
        let wifi = BGAPIPacket(messageType: .event, technologyType: 1, messageClass: .system, messageID: 0, payload: [9])
        #expect(try BGAPIMessage(decoding: wifi, direction: .deviceToHost) == .event(.unknown(wifi)))
        #expect(try BGAPIMessage(decoding: wifi, direction: .deviceToHost).packet() == wifi)
    }

    @Test func descriptionsReadLikeTheReference() throws {
        let m = GAPConnectDirectCommand(address: BluetoothAddress("01:23:45:67:89:AB")!, addressType: .random,
                                        connIntervalMin: 60, connIntervalMax: 76, timeout: 100, latency: 0)
        #expect(m.description == "gap_connect_direct(address: 01:23:45:67:89:AB, addr_type: random, conn_interval_min: 60, conn_interval_max: 76, timeout: 100, latency: 0)")
        let r = BGAPIMessage.response(.gapEndProcedure(.init(result: .wrongState)))
        #expect(r.description == "rsp gap_end_procedure(result: wrong_state (0x0181))")
    }
}

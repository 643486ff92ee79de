import BGAPICore
import Explorer
import TUI

/// The explorer's update fed arbitrary keys and messages (advertisements with arbitrary AD data, discovery
/// results, values, failures, traffic lines), rendered at arbitrary sizes now and then. Checks that no
/// control character from the radio reaches a cell, and that nothing traps.
enum ExplorerTarget {
    static let letters: [Character] = Array(" ,/?GR]abcdefghijklnpqrstwxjkyY0123456789AZ-:.\u{1B}\u{7F}é漢")
    static let addresses = (0 ..< 6).map { BluetoothAddress(rawValue: 0xC0_00_00_00_00_00 + UInt64($0)) }

    static func run(_ data: [UInt8]) {
        var input = FuzzInput(data)
        var state = ExplorerState()
        var time: Timestamp = 1_700_000_000
        var steps = 0
        _ = update(&state, .resize(width: 100, height: 30))
        while !input.isEmpty, steps < 96 {
            steps += 1
            let address = input.pick(addresses)
            let handle = AttributeHandle(UInt16(input.byte() % 40))
            let message: Message
            switch input.byte() % 16 {
            case 0, 1, 2: message = .key(key(&input))
            case 3:
                time += Double(input.u16()) / 100
                message = .tick(time)
            case 4: message = .resize(width: Int(input.byte()), height: Int(input.byte() % 80))
            case 5, 6:
                let report = AdvertisementReport(address: address, addressType: input.bool() ? .public : .random,
                                                 packetType: ScanResponsePacketType(rawValue: input.byte() % 6),
                                                 rssi: Int8(bitPattern: input.byte()), bond: BondHandle(rawValue: input.byte()),
                                                 data: AdvertisingData(bytes: input.bytes(upTo: 40)))
                message = .advertisement(report, time)
            case 7: message = .connected(address, parameters: text(&input), encrypted: input.bool())
            case 8: message = .discovered(address, services(&input))
            case 9: message = .read(address, handle, input.bytes(upTo: 64), time)
            case 10: message = .notified(address, handle, input.bytes(upTo: 24), indication: input.bool(), time)
            case 11: message = .wrote(address, handle, input.bytes(upTo: 24), time)
            case 12: message = .subscribed(address, handle, indication: input.pick([nil, true, false]))
            case 13: message = .disconnected(address, reason: text(&input))
            case 14: message = .failed(input.bool() ? address : nil, text(&input))
            default:
                message = input.pick([.traffic(text(&input)), .rssi(address, Int8(bitPattern: input.byte())),
                                      .bonded(address), .passkeyRequested(address), .passkeyDisplayed(address, input.u32()),
                                      .fetched(address, handle, input.bytes(upTo: 32))])
            }
            _ = update(&state, message)
            if steps % 24 == 0 || input.isEmpty { check(ExplorerView.render(state)) }
        }
    }

    static func key(_ input: inout FuzzInput) -> Key {
        switch input.byte() % 12 {
        case 0: return .up
        case 1: return .down
        case 2: return .enter
        case 3: return .escape
        case 4: return .tab
        case 5: return .backspace
        case 6: return input.pick([.left, .right, .backTab, .delete, .home, .end, .pageUp, .pageDown, .scrollUp, .scrollDown])
        case 7: return .control(input.pick(Array("abefrucdl")))
        case 8: return .function(Int(input.byte() % 13))
        case 9: return .click(x: Int(input.byte()), y: Int(input.byte() % 60))
        default: return .character(input.pick(letters))
        }
    }

    /// Text as a peer or the dongle could make it: arbitrary bytes, invalid UTF-8 replaced.
    static func text(_ input: inout FuzzInput) -> String { String(decoding: input.bytes(upTo: 48), as: UTF8.self) }

    static func uuid(_ input: inout FuzzInput) -> BluetoothUUID {
        input.bool() ? BluetoothUUID(input.u16()) : BluetoothUUID(littleEndianBytes: (0 ..< 16).map { _ in input.byte() })
    }

    static func services(_ input: inout FuzzInput) -> [GATTService] {
        (0 ..< Int(input.byte() % 4)).map { s in
            let start = UInt16(1 + s * 10)
            let characteristics = (0 ..< Int(input.byte() % 4)).map { c in
                let decl = start + 1 + UInt16(c * 3)
                return GATTCharacteristic(uuid: uuid(&input), declarationHandle: AttributeHandle(decl),
                                          valueHandle: AttributeHandle(decl + 1),
                                          properties: CharacteristicProperties(rawValue: input.byte()),
                                          descriptors: input.bool() ? [GATTDescriptor(uuid: BluetoothUUID(0x2902), handle: AttributeHandle(decl + 2))] : [],
                                          serviceUUID: BluetoothUUID(0x180D))
            }
            return GATTService(uuid: uuid(&input), startHandle: AttributeHandle(start), endHandle: AttributeHandle(start + 9),
                               characteristics: characteristics, isPrimary: input.bool())
        }
    }

    static func check(_ screen: Screen) {
        for y in 0 ..< screen.height {
            for x in 0 ..< screen.width {
                for scalar in screen[x, y].text.unicodeScalars where scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value) {
                    violated("control character U+\(String(scalar.value, radix: 16)) in cell \(x),\(y)")
                }
            }
        }
    }
}

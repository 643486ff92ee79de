import BGAPICore

/// Parses "80 26 06 00 | B9 00 …" (spaces and `|` ignored) into bytes.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { $0.isHexDigit }
    precondition(digits.count % 2 == 0, "odd hex string in test: \(text)")
    var out: [UInt8] = []
    var i = digits.startIndex
    while i < digits.endIndex {
        let j = digits.index(i, offsetBy: 2)
        out.append(UInt8(digits[i ..< j], radix: 16)!)
        i = j
    }
    return out
}

func decodeDeviceOutput(_ bytes: [UInt8]) throws -> BGAPIMessage {
    try BGAPIMessage(decoding: try BGAPIPacket(bytes: bytes), direction: .deviceToHost)
}

func decodeHostOutput(_ bytes: [UInt8]) throws -> BGAPIMessage {
    try BGAPIMessage(decoding: try BGAPIPacket(bytes: bytes), direction: .hostToDevice)
}

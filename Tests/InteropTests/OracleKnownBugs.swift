/// Where pygatt 5.0.0 or bgapi 0.7 disagree with the protocol reference, we follow the reference.
/// Keys: "client:message:field" ("*" for the whole message); values say what the library does wrong.
enum OracleKnownBugs {
    static let all: [String: String] = [
        // v1.1 layouts at IDs that SDK 1.3+ redefined (both libraries implement the v1.1 API).
        "pygatt:flash_write_words:*": "v1.1 flash_write_words(address u16, words u8[]) at class 1 ID 7; v1.3+ has flash_write_data(address u32, data u8[]) there",
        "bgapi:flash_write_words:*": "v1.1 flash_write_words(address u16, words u8[]) at class 1 ID 7; v1.3+ has flash_write_data(address u32, data u8[]) there",
        "pygatt:test_debug_v11:*": "v1.1 test_debug(input u8[]); v1.3+ test_debug(opcode u8, input u8[])",
        "bgapi:test_debug_v11:*": "v1.1 test_debug(input u8[]); v1.3+ test_debug(opcode u8, input u8[])",
    ]
}

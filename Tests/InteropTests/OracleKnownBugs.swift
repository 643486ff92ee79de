/// Where pygatt 5.0.0 or bgapi 0.7 disagree with the protocol reference, we follow the reference.
/// Keys: "client:kind message:field" (kind cmd/rsp/evt; field "*" for the whole message); values say what the library does wrong.
/// Every entry was found by these tests; Tests/Interop/README.md lists them for users.
enum OracleKnownBugs {
    static let all: [String: String] = [
        // Version difference, not a bug: both libraries implement v1.1, where class 1 ID 7 was
        // flash_write_words(address u16, words u8[]) and class 8 ID 5 was test_debug(input u8[]).
        "pygatt:cmd flash_write_words:*": "v1.1 layout at class 1 ID 7; SDK 1.3+ has flash_write_data(address u32, data u8[])",
        "bgapi:cmd flash_write_words:*": "v1.1 layout at class 1 ID 7; SDK 1.3+ has flash_write_data(address u32, data u8[])",
        "pygatt:cmd test_debug_v11:*": "v1.1 test_debug(input u8[]); SDK 1.3+ test_debug(opcode u8, input u8[])",
        "bgapi:cmd test_debug_v11:*": "v1.1 test_debug(input u8[]); SDK 1.3+ test_debug(opcode u8, input u8[])",
        "pygatt:rsp flash_write_data:*": "decodes the response as v1.1 flash_write_words (no result field)",
        "bgapi:rsp flash_write_data:*": "decodes the response as v1.1 flash_write_words (no result field)",
        "bgapi:rsp test_debug:*": "decodes the response with the v1.1 layout (output takes the opcode byte)",
        // pygatt bugs.
        "pygatt:rsp test_phy_end:*": "response table off by one in class 8: (8,2) decodes as test_phy_reset",
        "pygatt:rsp test_phy_reset:*": "response table off by one in class 8: (8,3) decodes as test_get_channel_map",
        "pygatt:rsp test_get_channel_map:*": "response table off by one in class 8: (8,4) decodes as test_debug",
        "pygatt:evt gap_scan_response:address_type": "shifted by one: pygatt reads address_type from the bond byte",
        "pygatt:evt gap_scan_response:bond": "shifted by one: pygatt reads bond from the data-length byte",
    ]
}

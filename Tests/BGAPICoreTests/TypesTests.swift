import BGAPICore
import Testing

@Suite struct ErrorCodeTests {
    @Test func allFiftySevenCodesHaveNamesAndActionableMeanings() {
        let named = BGAPIErrorCode.allNamed
        #expect(named.count == 57)
        #expect(named.filter { $0.space == .bgapi }.count == 13)
        #expect(named.filter { $0.space == .bluetooth }.count == 16)
        #expect(named.filter { $0.space == .securityManager }.count == 10)
        #expect(named.filter { $0.space == .attribute }.count == 18)
        #expect(Set(named.compactMap(\.name)).count == 57)
        for code in named {
            #expect(code.meaning.count > 20, "\(code)")
            #expect(code.meaning.last == ".", "\(code)")
        }
    }

    @Test func wellKnownCodes() {
        #expect(BGAPIErrorCode(rawValue: 0x0181) == .wrongState)
        #expect(BGAPIErrorCode.wrongState.description == "wrong_state (0x0181)")
        #expect(BGAPIErrorCode.insufficientAuthentication.attError == 0x05)
        #expect(BGAPIErrorCode.connectionLimitExceeded.space == .bluetooth)
        #expect(BGAPIErrorCode.success.isSuccess && BGAPIErrorCode.success.description == "success")
    }

    @Test func unknownCodesSurviveAndSayWhereTheyComeFrom() {
        let appError = BGAPIErrorCode(rawValue: 0x0493)
        #expect(appError.name == "att_application_error_0x93")
        #expect(appError.space == .attribute)
        let odd = BGAPIErrorCode(rawValue: 0x0777)
        #expect(odd.name == nil && odd.description == "0x0777" && odd.space == .unknown)
        #expect(BGAPIErrorCode(rawValue: 0x02FF).meaning.contains("HCI"))
    }
}

@Suite struct TypesTests {
    @Test func addressesPrintMostSignificantFirstAndTravelLeastSignificantFirst() {
        let a = BluetoothAddress("00:07:80:53:C1:B9")!
        #expect(a.wireBytes == [0xB9, 0xC1, 0x53, 0x80, 0x07, 0x00])
        #expect(BluetoothAddress(wireBytes: a.wireBytes) == a)
        #expect(a.description == "00:07:80:53:C1:B9")
        #expect(BluetoothAddress("00-07-80-53-c1-b9") == a)
        for bad in ["", "00:07:80:53:C1", "00:07:80:53:C1:B9:00", "zz:07:80:53:C1:B9", "+0:07:80:53:C1:B9"] {
            #expect(BluetoothAddress(bad) == nil, "\(bad)")
        }
        #expect(BluetoothAddress(wireBytes: [1, 2, 3]) == nil)
    }

    @Test func uuidsKeepWireOrderAndPrintCanonically() {
        #expect(BluetoothUUID(0x2800).littleEndianBytes == [0x00, 0x28])
        #expect(BluetoothUUID("2A37") == BluetoothUUID(0x2A37))
        #expect(BluetoothUUID(0x180D).description == "180D")
        let nus = BluetoothUUID("6E400001-B5A3-F393-E0A9-E50E24DCCA9E")!
        #expect(nus.littleEndianBytes.first == 0x9E && nus.littleEndianBytes.last == 0x6E)
        #expect(nus.description == "6E400001-B5A3-F393-E0A9-E50E24DCCA9E")
        #expect(BluetoothUUID("0000180d-0000-1000-8000-00805f9b34fb")?.shortValue == 0x180D)
        #expect(BluetoothUUID(littleEndianBytes: [1, 2, 3]).uuid128BigEndian == nil)
        #expect(BluetoothUUID("xyz") == nil)
    }

    @Test func openEnumerationsKeepUnknownValues() {
        #expect(ScanResponsePacketType(rawValue: 9).description == "0x9")
        #expect(ScanResponsePacketType.scanResponse.description == "scan_response")
        #expect(ConnectionStatusFlags(rawValue: 0x05).description == "connected|completed")
        #expect(ConnectionStatusFlags(rawValue: 0x80).description == "0x80")
        #expect(BondHandle.none.description == "none")
    }
}

import BGAPICore

/// The advertising-data parser on arbitrary bytes: every accessor runs, the raw bytes come back unchanged,
/// and the structures, padding and truncation account for every byte.
enum AdvertisingDataTarget {
    static func run(_ data: [UInt8]) {
        let ad = AdvertisingData(bytes: data)
        _ = ad.localName
        _ = ad.isNameComplete
        _ = ad.flags
        _ = ad.serviceUUIDs
        _ = ad.manufacturerData
        _ = ad.serviceData
        _ = ad.txPowerLevel
        _ = ad.appearance
        for value in ad.values { _ = "\(value)" }
        if ad.encodedBytes != data { violated("encodedBytes differ from the \(data.count) bytes parsed") }
        // Re-parsing what was parsed gives the same structures.
        if AdvertisingData(bytes: ad.encodedBytes) != ad { violated("re-parse differs") }
    }
}

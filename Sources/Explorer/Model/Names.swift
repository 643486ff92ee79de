import BGAPICore
import BluetoothNumbers

/// The SIG (or known vendor) name of a service, characteristic or descriptor UUID.
public func uuidName(_ uuid: BluetoothUUID) -> String? {
    if let short = uuid.shortValue {
        return BluetoothNumbers.characteristicName(short) ?? BluetoothNumbers.serviceName(short)
            ?? BluetoothNumbers.descriptorName(short)
    }
    return uuid.uuid128BigEndian.flatMap { BluetoothNumbers.name(forUUID128BigEndian: $0) }
}

/// The name of a service UUID (services and characteristics share number ranges only by accident).
public func serviceName(_ uuid: BluetoothUUID) -> String? {
    if let short = uuid.shortValue { return BluetoothNumbers.serviceName(short) }
    return uuid.uuid128BigEndian.flatMap { BluetoothNumbers.name(forUUID128BigEndian: $0) }
}

/// A company's name from its SIG identifier.
public func companyName(_ id: UInt16) -> String? { BluetoothNumbers.companyName(id) }

/// A value in its SIG format when the characteristic or descriptor is one we know ("72 bpm", "95 %").
public func decodeValue(_ uuid: BluetoothUUID, _ value: [UInt8]) -> String? {
    guard let short = uuid.shortValue else { return nil }
    return CharacteristicFormat.decode(characteristic: short, value: value)
}

extension Scenario {
    /// The built-in `demo` world: enough devices to show everything blex does (docs/scenarios.md).
    public static let demoJSON = #"""
    {
      "name": "demo",
      "seed": 42,
      "dongle": { "address": "00:07:80:B1:E0:01", "maxConnections": 3 },
      "peripherals": [
        {
          "id": "hrm", "address": "C4:7C:8D:6A:10:01", "advertisingIntervalMs": 100,
          "advertising": { "flags": 6, "name": "Pulse HRM", "services16": ["180D", "180F"], "appearance": 832 },
          "scanResponse": { "txPower": 4, "manufacturer": { "company": 89, "data": "0102" } },
          "rssi": { "mean": -52, "walk": 2 },
          "services": [
            { "uuid": "180D", "characteristics": [
              { "uuid": "2A37", "properties": ["notify"], "value": "0048",
                "generator": { "kind": "heartRate", "periodMs": 1000, "center": 72, "amplitude": 12 },
                "notifyIntervalMs": 1000 },
              { "uuid": "2A38", "properties": ["read"], "value": "01" },
              { "uuid": "2A39", "properties": ["write"], "value": "00" }
            ]},
            { "uuid": "180F", "characteristics": [
              { "uuid": "2A19", "properties": ["read", "notify"], "value": "5F",
                "generator": { "kind": "battery", "periodMs": 10000, "step": 1 }, "notifyIntervalMs": 10000 }
            ]}
          ]
        },
        {
          "id": "thermo", "address": "D0:5F:B8:22:33:02", "advertisingIntervalMs": 250,
          "advertising": { "flags": 6, "name": "Thermo TH-1", "services16": ["1809", "181A"] },
          "scanResponse": { "services16": ["180A", "180F"] },
          "rssi": { "mean": -67, "walk": 3 },
          "services": [
            { "uuid": "1809", "characteristics": [
              { "uuid": "2A1C", "properties": ["indicate"], "value": "00E4080000",
                "generator": { "kind": "sine", "periodMs": 2000, "center": 2150, "amplitude": 150 },
                "notifyIntervalMs": 2000 },
              { "uuid": "2A1D", "properties": ["read"], "value": "02" }
            ]},
            { "uuid": "181A", "characteristics": [
              { "uuid": "2A6E", "properties": ["read", "notify"], "value": "6608",
                "generator": { "kind": "sine", "periodMs": 1000, "center": 2150, "amplitude": 80 },
                "notifyIntervalMs": 1000, "userDescription": "Indoor" },
              { "uuid": "2A6E", "properties": ["read", "notify"], "value": "F401",
                "generator": { "kind": "sine", "periodMs": 1000, "center": 500, "amplitude": 300 },
                "notifyIntervalMs": 1000, "userDescription": "Outdoor" }
            ]},
            { "uuid": "180A", "characteristics": [
              { "uuid": "2A29", "properties": ["read"], "text": "Acme Sensors" },
              { "uuid": "2A24", "properties": ["read"], "text": "TH-1" },
              { "uuid": "2A25", "properties": ["read"], "text": "SN-000451" },
              { "uuid": "2A26", "properties": ["read"], "text": "1.0.3" }
            ]},
            { "uuid": "180F", "characteristics": [
              { "uuid": "2A19", "properties": ["read", "notify"], "value": "40",
                "generator": { "kind": "battery", "periodMs": 5000, "step": 1 }, "notifyIntervalMs": 5000 }
            ]}
          ]
        },
        {
          "id": "uart", "address": "E8:9F:6D:10:20:03", "advertisingIntervalMs": 150,
          "advertising": { "flags": 6, "name": "UART Echo" },
          "scanResponse": { "services128": ["6E400001-B5A3-F393-E0A9-E50E24DCCA9E"] },
          "rssi": { "mean": -71, "walk": 4 },
          "services": [
            { "uuid": "6E400001-B5A3-F393-E0A9-E50E24DCCA9E", "characteristics": [
              { "uuid": "6E400002-B5A3-F393-E0A9-E50E24DCCA9E", "properties": ["write", "writeWithoutResponse"],
                "onWrite": "echo", "echoTo": "6E400003-B5A3-F393-E0A9-E50E24DCCA9E", "maxLength": 20 },
              { "uuid": "6E400003-B5A3-F393-E0A9-E50E24DCCA9E", "properties": ["notify"], "value": "" }
            ]}
          ]
        },
        {
          "id": "long", "address": "F0:12:34:56:78:04", "advertisingIntervalMs": 300,
          "advertising": { "flags": 6, "name": "Long Value" },
          "rssi": { "mean": -75, "walk": 2 },
          "services": [
            { "uuid": "A0B40001-926D-4D61-98DF-8C5C62EE53B3", "characteristics": [
              { "uuid": "A0B40002-926D-4D61-98DF-8C5C62EE53B3", "properties": ["read", "write"],
                "text": "The quick brown fox jumps over the lazy dog, twice over.", "maxLength": 120,
                "userDescription": "Long text" }
            ]}
          ]
        },
        {
          "id": "lock", "address": "C8:DF:84:AA:00:05", "advertisingIntervalMs": 200,
          "advertising": { "flags": 6, "name": "Secure Lock" },
          "scanResponse": { "services128": ["5EC00001-1F2E-4B5A-9C8D-0123456789AB"] },
          "rssi": { "mean": -58, "walk": 2 }, "passkey": 123456,
          "services": [
            { "uuid": "5EC00001-1F2E-4B5A-9C8D-0123456789AB", "characteristics": [
              { "uuid": "5EC00002-1F2E-4B5A-9C8D-0123456789AB", "properties": ["read", "write"], "value": "00",
                "security": "authenticated", "userDescription": "Lock state" },
              { "uuid": "5EC00003-1F2E-4B5A-9C8D-0123456789AB", "properties": ["read"], "text": "v2.1" }
            ]}
          ]
        },
        {
          "id": "ibeacon", "address": "D6:1E:0B:EA:C0:06", "addressType": "random", "advertisingIntervalMs": 100,
          "connectable": false,
          "advertising": { "flags": 4, "manufacturer": { "company": 76,
            "data": "0215F7826DA64FA24E988024BC5B71E0893E0001000BC5" } },
          "rssi": { "mean": -80, "walk": 3 }
        },
        {
          "id": "eddystone", "address": "D6:1E:0B:EA:C0:07", "addressType": "random", "advertisingIntervalMs": 500,
          "connectable": false,
          "advertising": { "flags": 6, "services16": ["FEAA"],
            "serviceData": [ { "uuid": "FEAA", "data": "10EE03626C65780700" } ] },
          "rssi": { "mean": -85, "walk": 2 }
        },
        {
          "id": "tag", "address": "F5:4A:3B:2C:1D:08", "addressType": "random", "advertisingIntervalMs": 400,
          "advertising": { "flags": 6, "shortName": "Tag", "services16": ["180F"] },
          "rssi": { "mean": -62, "walk": 2, "driftPerSecond": -0.2 },
          "services": [
            { "uuid": "180F", "characteristics": [
              { "uuid": "2A19", "properties": ["read"], "value": "1E" }
            ]}
          ]
        },
        {
          "id": "hostile", "address": "DE:AD:BE:EF:00:09", "advertisingIntervalMs": 700,
          "advertising": { "flags": 6, "nameHex": "1B5B33316D4556494C1B5B306D07FFFE0D0A" },
          "rssi": { "mean": -77, "walk": 3 },
          "services": [
            { "uuid": "FFF0", "characteristics": [
              { "uuid": "FFF1", "properties": ["read", "notify"], "value": "1B5D303B70776E6407C0",
                "notifyIntervalMs": 3000 }
            ]}
          ]
        },
        {
          "id": "walker", "address": "C2:22:33:44:55:0A", "advertisingIntervalMs": 1000,
          "advertising": { "flags": 6, "name": "Passer-by" },
          "rssi": { "mean": -55, "walk": 2, "driftPerSecond": -0.5 },
          "appearsAt": 15, "leavesAt": 75
        }
      ]
    }
    """#
}

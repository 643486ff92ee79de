import BGAPICore

extension DongleModel {
    /// The response to `command` (nil for resets), with the events it causes appended to `out`
    /// (immediate ones) or scheduled (later ones).
    mutating func handle(_ command: BGAPICommand, then out: inout [DongleOutput]) -> BGAPIResponse? {
        counters.rx &+= 1
        switch command {
        // MARK: system
        case let .systemReset(c):
            // No response (reference §4.1 rule 1); what follows depends on the transport (§1.3, §4.2).
            resetDongle(dfu: c.bootInDFU, delay: .zero, into: &out)
            return nil
        case let .systemDelayReset(c):
            // v1.5+: USB goes first, the reset follows after delay_ms (reference Class 0 `delay_reset`).
            resetDongle(dfu: c.dfu, delay: .milliseconds(Int64(c.delayMilliseconds)), into: &out)
            return nil
        case let .dfuReset(c):
            // `dfu_reset(0)` reboots like `system_reset(0)` (reference §4.7, §5.2 vector 9); `dfu_reset(1)` into DFU.
            resetDongle(dfu: c.dfu, delay: .zero, into: &out)
            return nil
        case .systemHello: return .systemHello(.init())
        case .systemAddressGet: return .systemAddressGet(.init(address: dongleAddress))
        case .systemRegWrite: return .systemRegWrite(.init(result: .success))
        case let .systemRegRead(c): return .systemRegRead(.init(address: c.address, value: 0))
        case .systemGetCounters:
            defer { counters = (0, 0) }
            return .systemGetCounters(.init(txOK: counters.tx, txRetry: 0, rxOK: counters.rx, rxFail: 0, mbuf: 12))
        case .systemGetConnections:
            for h in 0 ..< UInt8(scenario.dongle.maxConnections) { out.append(.send(.event(.connectionStatus(status(of: h))))) }
            return .systemGetConnections(.init(maxConn: UInt8(scenario.dongle.maxConnections)))
        case let .systemReadMemory(c):
            return .systemReadMemory(.init(address: c.address, data: [UInt8](repeating: 0, count: Int(c.length))))
        case .systemGetInfo:
            let f = scenario.dongle.firmware
            return .systemGetInfo(.init(major: f.major, minor: f.minor, patch: f.patch, build: f.build,
                                        llVersion: f.llVersion, protocolVersion: f.protocolVersion, hw: f.hw))
        case .systemEndpointTX: return .systemEndpointTX(.init(result: .notImplemented))
        case .systemEndpointRX: return .systemEndpointRX(.init(result: .notImplemented, data: []))
        case .systemEndpointSetWatermarks: return .systemEndpointSetWatermarks(.init(result: .notImplemented))
        case let .systemWhitelistAppend(c):
            if scan.mode != nil || connecting != nil { return .systemWhitelistAppend(.init(result: .wrongState)) }
            if whitelist.count >= 8 { return .systemWhitelistAppend(.init(result: .outOfMemory)) }
            if !whitelist.contains(where: { $0.0 == c.address && $0.1 == c.addressType }) {
                whitelist.append((c.address, c.addressType))
            }
            return .systemWhitelistAppend(.init(result: .success))
        case let .systemWhitelistRemove(c):
            if scan.mode != nil || connecting != nil { return .systemWhitelistRemove(.init(result: .wrongState)) }
            guard let i = whitelist.firstIndex(where: { $0.0 == c.address && $0.1 == c.addressType }) else {
                return .systemWhitelistRemove(.init(result: .invalidParameter))
            }
            whitelist.remove(at: i)
            return .systemWhitelistRemove(.init(result: .success))
        case .systemWhitelistClear:
            whitelist.removeAll()
            return .systemWhitelistClear(.init())
        case .systemAESSetkey: return .systemAESSetkey(.init())
        // AES is not emulated: the block comes back empty, which a host can tell from a real result.
        case .systemAESEncrypt: return .systemAESEncrypt(.init(data: []))
        case .systemAESDecrypt: return .systemAESDecrypt(.init(data: []))
        case .systemUSBEnumerationStatusGet: return .systemUSBEnumerationStatusGet(.init(result: .success, status: 1))
        case .systemGetBootloaderCRC: return .systemGetBootloaderCRC(.init(crc: 0x1D0F))

        // MARK: flash (persistent store and user data)
        case .flashPSDefrag: return .flashPSDefrag(.init())
        case .flashPSDump:
            for key in persistentState.psKeys.keys.sorted() {
                if let k = UInt16(key, radix: 16) {
                    out.append(.send(.event(.flashPSKey(.init(key: k, value: persistentState.psKeys[key] ?? [])))))
                }
            }
            out.append(.send(.event(.flashPSKey(.init(key: 0xFFFF, value: [])))))
            return .flashPSDump(.init())
        case .flashPSEraseAll:
            persistentState.psKeys = [:]
            out.append(.persist)
            return .flashPSEraseAll(.init())
        case let .flashPSSave(c):
            guard (0x8000 ... 0x807F).contains(c.key), c.value.count <= 32 else { return .flashPSSave(.init(result: .invalidParameter)) }
            persistentState.psKeys[String(c.key, radix: 16)] = c.value
            out.append(.persist)
            return .flashPSSave(.init(result: .success))
        case let .flashPSLoad(c):
            guard let v = persistentState.psKeys[String(c.key, radix: 16)] else { return .flashPSLoad(.init(result: .invalidParameter, value: [])) }
            return .flashPSLoad(.init(result: .success, value: v))
        case let .flashPSErase(c):
            if persistentState.psKeys.removeValue(forKey: String(c.key, radix: 16)) != nil { out.append(.persist) }
            return .flashPSErase(.init())
        case let .flashErasePage(c):
            guard c.page == 0 else { return .flashErasePage(.init(result: .invalidParameter)) }
            userFlash = [UInt8](repeating: 0xFF, count: userFlash.count)
            return .flashErasePage(.init(result: .success))
        case let .flashWriteData(c):
            guard Int(c.address) + c.data.count <= userFlash.count, c.data.count % 4 == 0 else {
                return .flashWriteData(.init(result: .invalidParameter))
            }
            for (i, b) in c.data.enumerated() { userFlash[Int(c.address) + i] &= b }  // flash only clears bits
            return .flashWriteData(.init(result: .success))
        case let .flashReadData(c):
            guard Int(c.address) + Int(c.length) <= userFlash.count else { return .flashReadData(.init(data: [])) }
            return .flashReadData(.init(data: Array(userFlash[Int(c.address) ..< Int(c.address) + Int(c.length)])))

        // MARK: attributes (the dongle's own small GATT database)
        case let .attributesWrite(c):
            guard localAttribute(c.handle) != nil else { return .attributesWrite(.init(result: .invalidHandle)) }
            return .attributesWrite(.init(result: .success))
        case let .attributesRead(c):
            guard let (_, value) = localAttribute(c.handle) else {
                return .attributesRead(.init(handle: c.handle, offset: c.offset, result: .invalidHandle, value: []))
            }
            guard Int(c.offset) <= value.count else {
                return .attributesRead(.init(handle: c.handle, offset: c.offset, result: .invalidOffset, value: []))
            }
            return .attributesRead(.init(handle: c.handle, offset: c.offset, result: .success,
                                         value: Array(value[Int(c.offset)...].prefix(32))))
        case let .attributesReadType(c):
            guard let (type, _) = localAttribute(c.handle) else {
                return .attributesReadType(.init(handle: c.handle, result: .invalidHandle, value: []))
            }
            return .attributesReadType(.init(handle: c.handle, result: .success, value: type.littleEndianBytes))
        case .attributesUserReadResponse: return .attributesUserReadResponse(.init())
        case .attributesUserWriteResponse: return .attributesUserWriteResponse(.init())
        case let .attributesSend(c):
            // No peripheral in the simulated world subscribes to the dongle's own database.
            return .attributesSend(.init(result: c.connection.rawValue == 0xFF ? .success : (links[c.connection.rawValue] == nil ? .notConnected : .wrongState)))

        // MARK: connection
        case let .connectionDisconnect(c):
            guard links[c.connection.rawValue] != nil else {
                return .connectionDisconnect(.init(connection: c.connection, result: .notConnected))
            }
            out += dropLink(c.connection.rawValue, reason: BGAPIErrorCode(rawValue: scenario.dongle.localDisconnectReason))
            return .connectionDisconnect(.init(connection: c.connection, result: .success))
        case let .connectionGetRSSI(c):
            guard let link = links[c.connection.rawValue] else { return .connectionGetRSSI(.init(connection: c.connection, rssi: 0)) }
            let rssi = peripherals[link.peripheral].nextRSSI(at: seconds, random: &random)
            return .connectionGetRSSI(.init(connection: c.connection, rssi: rssi))
        case let .connectionUpdate(c):
            guard var link = links[c.connection.rawValue] else { return .connectionUpdate(.init(connection: c.connection, result: .notConnected)) }
            guard validConnectionParameters(c.intervalMin, c.intervalMax, c.timeout, c.latency) else {
                return .connectionUpdate(.init(connection: c.connection, result: .invalidParameter))
            }
            // New parameters take effect after at least six connection intervals (reference §4.3); for ATT
            // timing the new interval counts from the next connection event on.
            let delay = Duration.microseconds(Int64(link.interval) * 1250 * 6)
            link.anchor = nextConnectionEvent(link, atOrAfter: now)
            link.interval = c.intervalMax
            link.timeout = c.timeout
            link.latency = c.latency
            links[c.connection.rawValue] = link
            var st = status(of: c.connection.rawValue)
            st.flags.remove(.completed)
            st.flags.insert(.parametersChange)
            enqueue(at: now + delay, .emit(.event(.connectionStatus(st)), link: c.connection.rawValue, epoch: link.epoch))
            return .connectionUpdate(.init(connection: c.connection, result: .success))
        case let .connectionVersionUpdate(c):
            guard links[c.connection.rawValue] != nil else { return .connectionVersionUpdate(.init(connection: c.connection, result: .notConnected)) }
            out.append(.send(.event(.connectionVersionInd(.init(connection: c.connection, versNr: 6, compID: 0x0059, subVersNr: 0x0101)))))
            return .connectionVersionUpdate(.init(connection: c.connection, result: .success))
        case let .connectionChannelMapGet(c):
            guard links[c.connection.rawValue] != nil else { return .connectionChannelMapGet(.init(connection: c.connection, map: [])) }
            return .connectionChannelMapGet(.init(connection: c.connection, map: [0xFF, 0xFF, 0xFF, 0xFF, 0x1F]))
        case let .connectionChannelMapSet(c):
            let result: BGAPIErrorCode = links[c.connection.rawValue] == nil ? .notConnected : (c.map.count == 5 ? .success : .invalidParameter)
            return .connectionChannelMapSet(.init(connection: c.connection, result: result))
        case let .connectionFeaturesGet(c):
            guard links[c.connection.rawValue] != nil else { return .connectionFeaturesGet(.init(connection: c.connection, result: .notConnected)) }
            out.append(.send(.event(.connectionFeatureInd(.init(connection: c.connection, features: [0x01, 0, 0, 0, 0, 0, 0, 0])))))
            return .connectionFeaturesGet(.init(connection: c.connection, result: .success))
        case let .connectionGetStatus(c):
            out.append(.send(.event(.connectionStatus(status(of: c.connection.rawValue)))))
            return .connectionGetStatus(.init(connection: c.connection))
        case let .connectionRawTX(c): return .connectionRawTX(.init(connection: c.connection))
        case .connectionSlaveLatencyDisable: return .connectionSlaveLatencyDisable(.init(result: .success))

        // MARK: attclient
        case let .attClientFindByTypeValue(c):
            return .attClientFindByTypeValue(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.findByTypeValue(link, c)
            }))
        case let .attClientReadByGroupType(c):
            return .attClientReadByGroupType(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.readByGroupType(link, c)
            }))
        case let .attClientReadByType(c):
            return .attClientReadByType(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.readByType(link, c)
            }))
        case let .attClientFindInformation(c):
            return .attClientFindInformation(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.findInformation(link, c)
            }))
        case let .attClientReadByHandle(c):
            return .attClientReadByHandle(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.read(link, c.chrHandle, long: false)
            }))
        case let .attClientReadLong(c):
            return .attClientReadLong(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.read(link, c.chrHandle, long: true)
            }))
        case let .attClientAttributeWrite(c):
            if c.data.count > 20 { return .attClientAttributeWrite(.init(connection: c.connection, result: .invalidParameter)) }
            return .attClientAttributeWrite(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.write(link, c.attHandle, c.data, acknowledged: true)
            }))
        case let .attClientWriteCommand(c):
            guard let link = links[c.connection.rawValue] else { return .attClientWriteCommand(.init(connection: c.connection, result: .notConnected)) }
            if c.data.count > 20 { return .attClientWriteCommand(.init(connection: c.connection, result: .invalidParameter)) }
            // The command goes out at the next connection event; an echo comes back in the one after.
            for item in write(c.connection.rawValue, c.attHandle, c.data, acknowledged: false) {
                enqueue(at: exchangeEnd(link, 1), .emit(item, link: c.connection.rawValue, epoch: link.epoch))
            }
            return .attClientWriteCommand(.init(connection: c.connection, result: .success))
        case let .attClientIndicateConfirm(c):
            // Only a type-5 indication (manual confirmation, reference §3.2 and Class 4 `indicate_confirm`) waits
            // for this; with none outstanding the answer is 0x0181 (inferred: the reference gives no code).
            guard links[c.connection.rawValue] != nil else { return .attClientIndicateConfirm(.init(result: .notConnected)) }
            guard links[c.connection.rawValue]?.unconfirmed != nil else { return .attClientIndicateConfirm(.init(result: .wrongState)) }
            links[c.connection.rawValue]?.unconfirmed = nil
            return .attClientIndicateConfirm(.init(result: .success))
        case let .attClientPrepareWrite(c):
            if c.data.count > 18 { return .attClientPrepareWrite(.init(connection: c.connection, result: .invalidParameter)) }
            return .attClientPrepareWrite(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.prepareWrite(link, c)
            }))
        case let .attClientExecuteWrite(c):
            return .attClientExecuteWrite(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.executeWrite(link, commit: c.commit)
            }))
        case let .attClientReadMultiple(c):
            if c.handles.isEmpty || c.handles.count % 2 != 0 {
                return .attClientReadMultiple(.init(connection: c.connection, result: .invalidParameter))
            }
            return .attClientReadMultiple(.init(connection: c.connection, result: startProcedure(c.connection) { model, link in
                model.readMultiple(link, c.handles)
            }))

        // MARK: security manager
        case let .smEncryptStart(c):
            guard links[c.handle.rawValue] != nil else { return .smEncryptStart(.init(handle: c.handle, result: .notConnected)) }
            startPairing(c.handle.rawValue, bonding: c.bonding)
            return .smEncryptStart(.init(handle: c.handle, result: .success))
        case let .smSetBondableMode(c):
            bondable = c.bondable
            return .smSetBondableMode(.init())
        case let .smDeleteBonding(c):
            if c.handle == .all {
                for i in persistentState.bonds.indices { persistentState.bonds[i] = nil }
            } else {
                guard Int(c.handle.rawValue) < persistentState.bonds.count, persistentState.bonds[Int(c.handle.rawValue)] != nil else {
                    return .smDeleteBonding(.init(result: .invalidParameter))
                }
                persistentState.bonds[Int(c.handle.rawValue)] = nil
            }
            out.append(.persist)
            return .smDeleteBonding(.init(result: .success))
        case let .smSetParameters(c):
            mitmRequired = c.mitm
            ioCapabilities = c.ioCapabilities
            return .smSetParameters(.init())
        case let .smPasskeyEntry(c):
            guard var link = links[c.handle.rawValue], let pending = link.pendingPasskey else {
                return .smPasskeyEntry(.init(result: .wrongState))
            }
            guard c.passkey <= 999_999 else { return .smPasskeyEntry(.init(result: .invalidParameter)) }
            link.pendingPasskey = nil
            links[c.handle.rawValue] = link
            if c.passkey == pending.expected {
                enqueue(at: now + timing.pairing, .pairingDone(link: c.handle.rawValue, bonding: pending.bonding, mitm: true, epoch: link.epoch))
            } else {
                enqueue(at: now + timing.pairing, .emit(.event(.smBondingFail(.init(handle: c.handle, result: .confirmValueFailed))),
                                                       link: c.handle.rawValue, epoch: link.epoch))
            }
            return .smPasskeyEntry(.init(result: .success))
        case .smGetBonds:
            let stored = persistentState.bonds.enumerated().filter { $0.element != nil }
            for (i, bond) in stored {
                out.append(.send(.event(.smBondStatus(.init(bond: BondHandle(rawValue: UInt8(i)), keySize: 16, mitm: bond?.mitm ?? false,
                                                            keys: [.ltk, .publicAddress, .edivRand])))))
            }
            return .smGetBonds(.init(bonds: UInt8(stored.count)))
        case .smSetOOBData: return .smSetOOBData(.init())
        case .smWhitelistBonds:
            let bonded = persistentState.bonds.compactMap { $0 }
            whitelist = bonded.compactMap { b in BluetoothAddress(b.address).map { ($0, AddressType(rawValue: b.addressType)) } }
            return .smWhitelistBonds(.init(result: .success, count: UInt8(whitelist.count)))
        case .smSetPairingDistributionKeys: return .smSetPairingDistributionKeys(.init(result: .success))

        // MARK: gap
        case .gapSetPrivacyFlags: return .gapSetPrivacyFlags(.init())
        case let .gapSetMode(c):
            let discover = c.discover.rawValue & 0x7F
            guard discover <= 4, c.connect.rawValue <= 3 else { return .gapSetMode(.init(result: .invalidParameter)) }
            advertisingMode = (c.discover, c.connect)
            return .gapSetMode(.init(result: .success))
        case let .gapDiscover(c):
            guard scan.mode == nil, connecting == nil else { return .gapDiscover(.init(result: .wrongState)) }
            guard c.mode.rawValue <= 2 else { return .gapDiscover(.init(result: .invalidParameter)) }
            startScan(c.mode)
            return .gapDiscover(.init(result: .success))
        case let .gapConnectDirect(c):
            let result = startConnecting(targets: [(c.address, c.addressType)], c.connIntervalMin, c.connIntervalMax, c.timeout, c.latency)
            return .gapConnectDirect(.init(result: result.0, connectionHandle: result.1))
        case let .gapConnectSelective(c):
            guard !whitelist.isEmpty else { return .gapConnectSelective(.init(result: .wrongState, connectionHandle: ConnectionHandle(0))) }
            let result = startConnecting(targets: whitelist, c.connIntervalMin, c.connIntervalMax, c.timeout, c.latency)
            return .gapConnectSelective(.init(result: result.0, connectionHandle: result.1))
        case .gapEndProcedure:
            if scan.mode != nil { stopScan(); return .gapEndProcedure(.init(result: .success)) }
            if connecting != nil { connecting = nil; return .gapEndProcedure(.init(result: .success)) }
            return .gapEndProcedure(.init(result: .wrongState))
        case let .gapSetFiltering(c):
            guard c.scanPolicy.rawValue <= 1, c.advPolicy.rawValue <= 3 else { return .gapSetFiltering(.init(result: .invalidParameter)) }
            scan.scanPolicy = c.scanPolicy
            scan.duplicateFiltering = c.scanDuplicateFiltering
            return .gapSetFiltering(.init(result: .success))
        case let .gapSetScanParameters(c):
            guard (4 ... 0x4000).contains(c.scanInterval), (4 ... 0x4000).contains(c.scanWindow), c.scanWindow <= c.scanInterval else {
                return .gapSetScanParameters(.init(result: .invalidParameter))
            }
            scan.interval = c.scanInterval
            scan.window = c.scanWindow
            scan.active = c.active
            return .gapSetScanParameters(.init(result: .success))
        case let .gapSetAdvParameters(c):
            let ok = (0x20 ... 0x4000).contains(c.advIntervalMin) && (0x20 ... 0x4000).contains(c.advIntervalMax)
                && c.advIntervalMin <= c.advIntervalMax && (1 ... 7).contains(c.advChannels)
            return .gapSetAdvParameters(.init(result: ok ? .success : .invalidParameter))
        case let .gapSetAdvData(c):
            return .gapSetAdvData(.init(result: c.advData.count <= 31 ? .success : .invalidParameter))
        case .gapSetDirectedConnectableMode: return .gapSetDirectedConnectableMode(.init(result: .success))
        case let .gapSetInitiatingConParameters(c):
            let ok = (4 ... 0x4000).contains(c.scanInterval) && (4 ... 0x4000).contains(c.scanWindow) && c.scanWindow <= c.scanInterval
            return .gapSetInitiatingConParameters(.init(result: ok ? .success : .invalidParameter))
        case .gapSetNonresolvableAddress: return .gapSetNonresolvableAddress(.init(result: .success))

        // MARK: hardware (reference Class 7, §4.7)
        // A BLED112 is a CC2540 whose pins are not wired out. What its firmware answers for the I/O, SPI, I2C and
        // comparator commands is not documented; the emulator models the chip (ports P0–P2, P2 has 5 pins):
        // configuring and writing succeed, reads return the output latch for outputs and the pull for inputs.
        // SPI answers 0x0183 (the BLED112's USARTs serve USB, none is configured for SPI: assumed); I2C, with
        // nothing on the bus, times out (read 0x0185, write `written` 0, reference Class 7). docs/emulator.md lists these.
        case let .hardwareIOPortConfigIRQ(c): return .hardwareIOPortConfigIRQ(.init(result: ioPortResult(c.port)))
        case let .hardwareSetSoftTimer(c): return .hardwareSetSoftTimer(.init(result: setSoftTimer(c)))
        case let .hardwareADCRead(c):
            out.append(.send(.event(.hardwareADCResult(.init(input: c.input, value: Int16(0x2A0 << 4))))))
            return .hardwareADCRead(.init(result: .success))
        case let .hardwareIOPortConfigDirection(c):
            if c.port < 3 { ioPorts[Int(c.port)].direction = c.direction }
            return .hardwareIOPortConfigDirection(.init(result: ioPortResult(c.port)))
        case let .hardwareIOPortConfigFunction(c): return .hardwareIOPortConfigFunction(.init(result: ioPortResult(c.port)))
        case let .hardwareIOPortConfigPull(c):
            if c.port < 3 { ioPorts[Int(c.port)].tristate = c.tristateMask; ioPorts[Int(c.port)].pullUp = c.pullUp != 0 }
            return .hardwareIOPortConfigPull(.init(result: ioPortResult(c.port)))
        case let .hardwareIOPortWrite(c):
            if c.port < 3 { ioPorts[Int(c.port)].output = ioPorts[Int(c.port)].output & ~c.mask | c.data & c.mask }
            return .hardwareIOPortWrite(.init(result: ioPortResult(c.port)))
        case let .hardwareIOPortRead(c):
            guard c.port < 3 else { return .hardwareIOPortRead(.init(result: .invalidParameter, port: c.port, data: 0)) }
            let port = ioPorts[Int(c.port)]
            // Unconnected inputs read their pull (tri-stated ones 0); outputs read back the latch.
            let inputs: UInt8 = port.pullUp ? ~port.tristate : 0
            let pins: UInt8 = c.port == 2 ? 0x1F : 0xFF
            let data = (port.output & port.direction | inputs & ~port.direction) & c.mask & pins
            return .hardwareIOPortRead(.init(result: .success, port: c.port, data: data))
        case .hardwareSPIConfig: return .hardwareSPIConfig(.init(result: .notImplemented))
        case let .hardwareSPITransfer(c): return .hardwareSPITransfer(.init(result: .notImplemented, channel: c.channel, data: []))
        case .hardwareI2CRead: return .hardwareI2CRead(.init(result: .timeout, data: []))
        case .hardwareI2CWrite: return .hardwareI2CWrite(.init(written: 0))
        case .hardwareSetTXPower: return .hardwareSetTXPower(.init())
        case let .hardwareTimerComparator(c):
            // CC2540 timers 1, 3 and 4 have compare channels (timer 1: 5, timers 3/4: 2); anything else is refused (assumed).
            let channels: [UInt8: UInt8] = [1: 5, 3: 2, 4: 2]
            let ok = channels[c.timer].map { c.channel < $0 } ?? false
            return .hardwareTimerComparator(.init(result: ok ? .success : .invalidParameter))
        case let .hardwareIOPortIRQEnable(c): return .hardwareIOPortIRQEnable(.init(result: ioPortResult(c.port)))
        case let .hardwareIOPortIRQDirection(c): return .hardwareIOPortIRQDirection(.init(result: ioPortResult(c.port)))
        case .hardwareAnalogComparatorEnable: return .hardwareAnalogComparatorEnable(.init())
        // Both comparator inputs float on a BLED112: the output reads 0 (unknowable; assumed).
        case .hardwareAnalogComparatorRead: return .hardwareAnalogComparatorRead(.init(result: .success, output: 0))
        case .hardwareAnalogComparatorConfigIRQ: return .hardwareAnalogComparatorConfigIRQ(.init(result: .success))
        case .hardwareSetRXGain: return .hardwareSetRXGain(.init())
        case .hardwareUSBEnable: return .hardwareUSBEnable(.init(result: .success))
        case .hardwareSleepEnable: return .hardwareSleepEnable(.init(result: .success))
        case .hardwareGetTimestamp:
            return .hardwareGetTimestamp(.init(value: UInt32(truncatingIfNeeded: Int64(seconds * 32_000))))

        // MARK: test (radio test modes: accepted, nothing measured)
        case .testPHYTX: return .testPHYTX(.init())
        case .testPHYRX: return .testPHYRX(.init())
        case .testPHYEnd: return .testPHYEnd(.init(counter: 0))
        case .testPHYReset: return .testPHYReset(.init())
        case .testGetChannelMap: return .testGetChannelMap(.init(channelMap: [UInt8](repeating: 0, count: 37)))
        case let .testDebug(c): return .testDebug(.init(opcode: c.opcode, output: []))
        case .testChannelMode: return .testChannelMode(.init())

        // MARK: dfu: only the bootloader accepts these; in normal mode they are refused.
        case .dfuFlashSetAddress: return .dfuFlashSetAddress(.init(result: .wrongState))
        case .dfuFlashUpload: return .dfuFlashUpload(.init(result: .wrongState))
        case .dfuFlashUploadFinish: return .dfuFlashUploadFinish(.init(result: .wrongState))

        case .unknown:
            // Unknown class/ID: the parser reports it (reference §9 item 10 leaves this open; see docs).
            out.append(.send(.event(.systemProtocolError(.init(reason: .invalidCommand)))))
            return nil
        }
    }

    /// I/O port commands accept ports 0–2 (the CC2540's P0, P1, P2) and refuse others with 0x0180.
    func ioPortResult(_ port: UInt8) -> BGAPIErrorCode { port < 3 ? .success : .invalidParameter }

    /// `hardware_set_soft_timer` (reference Class 7, §4.7): `time` in 1/32000 s ticks on a BLED112, 22 bits.
    /// One repeating timer at a time (a new one replaces it), up to 8 one-shot timers each firing once;
    /// `time` 0 removes only the timer(s) with that handle. Timers run whatever the radio does.
    /// Refusals are inferred (the reference gives no codes): over 22 bits 0x0180, a 9th one-shot 0x0182.
    mutating func setSoftTimer(_ c: HardwareSetSoftTimerCommand) -> BGAPIErrorCode {
        guard c.time > 0 else {
            softTimers.removeAll { $0.handle == c.handle }
            return .success
        }
        guard c.time <= 0x3F_FFFF else { return .invalidParameter }
        if c.singleShot {
            softTimers.removeAll { !$0.repeating && $0.handle == c.handle }
            guard softTimers.count(where: { !$0.repeating }) < 8 else { return .outOfMemory }
        } else {
            softTimers.removeAll { $0.repeating }
        }
        sequence += 1
        let period = Duration.microseconds(Int64(c.time) * 1_000_000 / 32_000)
        softTimers.append(SoftTimer(handle: c.handle, period: period, repeating: !c.singleShot, token: sequence))
        enqueue(at: now + period, .softTimer(token: sequence))
        return .success
    }

    /// The dongle's own GATT database: Generic Access with its name and appearance.
    func localAttribute(_ handle: AttributeHandle) -> (BluetoothUUID, [UInt8])? {
        switch handle.rawValue {
        case 1: (BluetoothUUID(0x2800), [0x00, 0x18])
        case 2: (BluetoothUUID(0x2803), [0x02, 0x03, 0x00, 0x00, 0x2A])
        case 3: (BluetoothUUID(0x2A00), Array("BLED112 (virtual)".utf8))
        case 4: (BluetoothUUID(0x2803), [0x02, 0x05, 0x00, 0x01, 0x2A])
        case 5: (BluetoothUUID(0x2A01), [0x00, 0x00])
        default: nil
        }
    }

    func validConnectionParameters(_ min: UInt16, _ max: UInt16, _ timeout: UInt16, _ latency: UInt16) -> Bool {
        guard (6 ... 3200).contains(min), (6 ... 3200).contains(max), min <= max,
              (10 ... 3200).contains(timeout), latency <= 500 else { return false }
        // Supervision timeout must exceed (1 + latency) × interval_max × 2 (in ms: timeout×10 > (1+lat)×max×1.25×2).
        return Int(timeout) * 10 * 100 > (1 + Int(latency)) * Int(max) * 125 * 2
    }
}

import BGAPICore

/// One visible row of a connection's GATT tree.
public struct TreeRow: Hashable, Sendable {
    /// What it points at.
    public var node: TreeNode
    /// Indentation level (service 0, characteristic 1, descriptor 2).
    public var depth: Int
    /// Whether it has children.
    public var expandable: Bool
    /// Whether its children show.
    public var expanded: Bool
}

extension ConnectionEntry {
    /// The tree rows as shown: services, then the characteristics of expanded services, then the
    /// descriptors of expanded characteristics.
    public var treeRows: [TreeRow] {
        var rows: [TreeRow] = []
        for s in services {
            let node = TreeNode.service(s.startHandle)
            let open = expanded.contains(node)
            rows.append(TreeRow(node: node, depth: 0, expandable: !s.characteristics.isEmpty, expanded: open))
            guard open else { continue }
            for c in s.characteristics {
                let cn = TreeNode.characteristic(c.valueHandle)
                let copen = expanded.contains(cn)
                rows.append(TreeRow(node: cn, depth: 1, expandable: !c.descriptors.isEmpty, expanded: copen))
                guard copen else { continue }
                for d in c.descriptors { rows.append(TreeRow(node: .descriptor(d.handle), depth: 2, expandable: false, expanded: false)) }
            }
        }
        return rows
    }

    /// The characteristic whose value handle is `handle`.
    public func characteristic(at handle: AttributeHandle) -> GATTCharacteristic? {
        for s in services { if let c = s.characteristics.first(where: { $0.valueHandle == handle }) { return c } }
        return nil
    }

    /// The descriptor with `handle` and the characteristic it belongs to.
    public func descriptor(at handle: AttributeHandle) -> (GATTDescriptor, GATTCharacteristic)? {
        for s in services {
            for c in s.characteristics { if let d = c.descriptors.first(where: { $0.handle == handle }) { return (d, c) } }
        }
        return nil
    }

    /// The service starting at `handle`.
    public func service(at handle: AttributeHandle) -> GATTService? { services.first { $0.startHandle == handle } }

    /// The characteristic the selection is on (or whose descriptor is selected).
    public var selectedCharacteristic: GATTCharacteristic? {
        switch selection {
        case let .characteristic(h)?: characteristic(at: h)
        case let .descriptor(h)?: descriptor(at: h)?.1
        default: nil
        }
    }

    /// The handle a read or write of the selection uses (a characteristic's value or a descriptor).
    public var selectedValueHandle: AttributeHandle? {
        switch selection {
        case let .characteristic(h)?, let .descriptor(h)?: h
        default: nil
        }
    }
}

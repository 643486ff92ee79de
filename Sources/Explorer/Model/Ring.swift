/// A bounded history: appending beyond `capacity` drops the oldest element. Every element keeps the sequence
/// number it was appended with (0, 1, 2, … for the life of the ring), so a position held by sequence number
/// survives drops and clears: the traffic pane's cursor and pause point are sequence numbers.
public struct Ring<Element: Hashable & Sendable>: Hashable, Sendable, RandomAccessCollection {
    /// The most elements kept (at least 1).
    public private(set) var capacity: Int
    private var storage: [Element] = []
    private var head = 0
    /// Sequence number of the oldest element kept.
    public private(set) var startSequence = 0

    /// An empty ring holding at most `capacity` elements.
    public init(capacity: Int) { self.capacity = Swift.max(1, capacity) }

    /// Offsets from the oldest (0) to the newest.
    public var startIndex: Int { 0 }
    /// One past the newest.
    public var endIndex: Int { storage.count }
    /// The element `offset` places after the oldest.
    public subscript(offset: Int) -> Element { storage[(head + offset) % storage.count] }

    /// The sequence number the next appended element gets.
    public var endSequence: Int { startSequence + storage.count }

    /// The element appended with sequence number `sequence`, if it is still kept.
    public subscript(sequence sequence: Int) -> Element? {
        let offset = sequence - startSequence
        return offset >= 0 && offset < count ? self[offset] : nil
    }

    /// Appends `element`, dropping the oldest when full; returns its sequence number.
    @discardableResult
    public mutating func append(_ element: Element) -> Int {
        let sequence = endSequence
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
            startSequence += 1
        }
        return sequence
    }

    /// Drops everything; sequence numbers go on from where they were.
    public mutating func removeAll() {
        startSequence = endSequence
        storage = []
        head = 0
    }

    /// Rings are equal when they hold the same elements under the same sequence numbers and capacity, however
    /// their storage happens to be rotated.
    public static func == (a: Ring, b: Ring) -> Bool {
        a.capacity == b.capacity && a.startSequence == b.startSequence && a.elementsEqual(b)
    }

    /// Hashes what equality compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(capacity)
        hasher.combine(startSequence)
        hasher.combine(count)
        for e in self { hasher.combine(e) }
    }

    /// Changes the capacity, keeping the newest elements that fit.
    public mutating func setCapacity(_ newCapacity: Int) {
        let kept = Array(self.suffix(Swift.max(1, newCapacity)))
        startSequence = endSequence - kept.count
        capacity = Swift.max(1, newCapacity)
        storage = kept
        head = 0
    }
}

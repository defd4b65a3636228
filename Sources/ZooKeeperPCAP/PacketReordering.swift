import NIOCore

/// How far packets may be out of timestamp order in a file and still be processed in order.
///
/// Packets of a pcap are normally written in time order, but a pcapng with several interfaces
/// may interleave them. A streaming reader holds packets back until either bound is passed,
/// then releases the oldest. A packet older than one already released ("late": it arrived
/// beyond the window) is processed at once, in file order, and counted in the statistics'
/// `latePacketCount`. The reassembler then sees it as TCP-level reordering: its data is
/// delivered if nothing processed before it acknowledged past it; otherwise those bytes were
/// already reported as a `.gap` and the late copy is dropped as a retransmission.
public struct PacketReordering: Sendable, Hashable {
    /// A packet is held until a packet this much newer (by timestamp) has been read.
    public var maxDelayNanoseconds: Int64
    /// At most this many packets are held; past it the oldest is released.
    public var maxHeldPackets: Int

    public init(maxDelayNanoseconds: Int64 = 2_000_000_000, maxHeldPackets: Int = 65_536) {
        self.maxDelayNanoseconds = max(0, maxDelayNanoseconds)
        self.maxHeldPackets = max(0, maxHeldPackets)
    }

    /// Two seconds or 65,536 packets: far beyond the interleaving of dumpcap's buffers.
    public static let `default` = PacketReordering()
    /// File order only: no packet is held.
    public static let none = PacketReordering(maxDelayNanoseconds: 0, maxHeldPackets: 0)
    /// Every packet is held until the end: a full (stable) sort, as the whole-file API did.
    public static let unbounded = PacketReordering(maxDelayNanoseconds: .max, maxHeldPackets: .max)
}

/// The packets held back by a `PacketReordering` window, released oldest first (ties in file order).
///
/// Packets that arrive in order (the usual case) go into a FIFO at O(1); only out-of-order
/// ones go into a heap. The oldest held packet is the older of the two heads. Packets are held
/// as records (plain values locating the data in the file), so holding costs no reference counting.
struct PacketReorderBuffer {
    private struct Entry {
        var packet: PacketRecord
        var sequence: Int

        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            a.packet.timestamp != b.packet.timestamp ? a.packet.timestamp < b.packet.timestamp : a.sequence < b.sequence
        }
    }

    let window: PacketReordering
    private var inOrder = CircularBuffer<Entry>(initialCapacity: 64)
    private var outOfOrder: [Entry] = []
    private var sequence = 0
    private var newest: CaptureTimestamp?
    /// `newest` moved back by the delay bound: held packets older than this go.
    private var releaseBefore = CaptureTimestamp(seconds: .min, nanoseconds: 0)
    private var lastReleased: CaptureTimestamp?
    /// Packets that arrived older than one already released.
    private(set) var lateCount = 0

    init(window: PacketReordering) {
        self.window = window
    }

    var count: Int { self.inOrder.count + self.outOfOrder.count }

    /// Holds `packet`, or returns it when it is too late to be ordered and must be processed now.
    mutating func hold(_ packet: PacketRecord) -> PacketRecord? {
        let time = packet.timestamp
        if let lastReleased = self.lastReleased, time < lastReleased {
            self.lateCount += 1
            return packet
        }
        self.sequence += 1
        let entry = Entry(packet: packet, sequence: self.sequence)
        if let last = self.inOrder.last, time < last.packet.timestamp {
            self.push(entry)
        } else {
            self.inOrder.append(entry)
        }
        if self.newest.map({ $0 < time }) ?? true {
            self.newest = time
            self.releaseBefore = time.earlier(byNanoseconds: self.window.maxDelayNanoseconds)
        }
        return nil
    }

    /// The oldest held packet, if the window says it must go (or `draining`, at the end).
    mutating func release(draining: Bool = false) -> PacketRecord? {
        if self.outOfOrder.isEmpty {
            // The usual case, every held packet in order: the oldest is the FIFO's head.
            guard let oldest = self.inOrder.first?.packet.timestamp else { return nil }
            if !draining, self.inOrder.count <= self.window.maxHeldPackets, !(oldest < self.releaseBefore) {
                return nil
            }
            self.lastReleased = oldest
            return self.inOrder.removeFirst().packet
        }
        let fromHeap: Bool
        switch (self.inOrder.first, self.outOfOrder.first) {
        case (nil, nil): return nil
        case (.some, nil): fromHeap = false
        case (nil, .some): fromHeap = true
        case (.some(let a), .some(let b)): fromHeap = Entry.precedes(b, a)
        }
        let oldest = fromHeap ? self.outOfOrder[0].packet.timestamp : self.inOrder.first!.packet.timestamp
        if !draining, self.count <= self.window.maxHeldPackets {
            // Held for the delay bound only while a newer packet is less than that much newer.
            guard oldest < self.releaseBefore else { return nil }
        }
        self.lastReleased = oldest
        return fromHeap ? self.popHeap().packet : self.inOrder.removeFirst().packet
    }

    private mutating func push(_ entry: Entry) {
        self.outOfOrder.append(entry)
        var child = self.outOfOrder.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Entry.precedes(self.outOfOrder[child], self.outOfOrder[parent]) else { break }
            self.outOfOrder.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popHeap() -> Entry {
        let last = self.outOfOrder.count - 1
        self.outOfOrder.swapAt(0, last)
        let top = self.outOfOrder.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < self.outOfOrder.count else { break }
            let right = left + 1
            var smallest = left
            if right < self.outOfOrder.count, Entry.precedes(self.outOfOrder[right], self.outOfOrder[left]) {
                smallest = right
            }
            guard Entry.precedes(self.outOfOrder[smallest], self.outOfOrder[parent]) else { break }
            self.outOfOrder.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}

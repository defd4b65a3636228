import ZooKeeperPCAP

/// The connections being decoded, fed one reassembler event at a time.
struct DecodingSession {
    let decoder: CaptureDecoder
    // States live in an array and are changed in place; `slots` finds them by connection, and
    // `last` skips even that for the runs of events of one connection that captures are made of.
    private var states: [ConnectionState?] = []
    private var slots = ConnectionTable()
    private var freeSlots: [Int] = []
    private var last: (id: ConnectionID, slot: Int)?

    init(decoder: CaptureDecoder) {
        self.decoder = decoder
    }

    mutating func process(_ event: consuming TCPStreamEvent, into output: inout some MessageSink) {
        switch consume event {
        case .opened(let id, _):
            states[slot(id)] = ConnectionState(id: id, config: decoder)
        case .streamStarted(let stream, let midStream, _):
            states[slot(stream.connection)]!.streamStarted(stream.direction, midStream: midStream)
        case .data(let stream, let bytes, let time):
            states[slot(stream.connection)]!.receive(bytes, on: stream.direction, at: time, into: &output)
        case .gap(let stream, let missing, let time):
            states[slot(stream.connection)]!.gap(missing, on: stream.direction, at: time, into: &output)
        case .finished(let stream, let time):
            states[slot(stream.connection)]!.finish(stream.direction, at: time, into: &output)
        case .closed(let id, let reason, let time):
            guard let slot = slots.removeValue(for: id), var state = states[slot].take() else { return }
            freeSlots.append(slot)
            if last?.slot == slot { last = nil }
            state.close(reason, at: time, into: &output)
        }
    }

    /// The slot of `id`'s state, created (as if opened) for a connection not seen yet.
    private mutating func slot(_ id: ConnectionID) -> Int {
        if let last, last.id == id { return last.slot }
        let slot: Int
        if let existing = slots[id] {
            slot = existing
        } else {
            if let free = freeSlots.popLast() {
                slot = free
            } else {
                slot = states.count
                states.append(nil)
            }
            states[slot] = ConnectionState(id: id, config: decoder)
            slots.set(slot, for: id)
        }
        last = (id, slot)
        return slot
    }
}

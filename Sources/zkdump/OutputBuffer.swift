import Foundation

/// Lines for stdout, written in large blocks: a capture can make millions.
final class OutputBuffer {
    private var bytes: [UInt8] = []
    private let limit = 1 << 16

    init() {
        bytes.reserveCapacity(limit + 4096)
    }

    func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= limit { flush() }
    }

    func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // stdout is gone (a closed pipe): nothing more to do
                }
                offset += written
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

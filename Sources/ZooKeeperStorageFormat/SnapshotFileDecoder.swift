import NIOCore
import ZooKeeperJute
import ZooKeeperProtocol

/// Decodes a snapshot file (`FileSnap`, plain "checked" stream mode) item by
/// item as its bytes arrive, verifying each seal's Adler-32 as Java's
/// `SnapStream.checkSealIntegrity` does.
///
/// Returns nil when it needs more bytes, consuming nothing. What follows the
/// tree's seal is optional, so the end of a file is only known when the
/// caller passes `endOfInput: true`; `isComplete` then turns true.
public struct SnapshotFileDecoder: Sendable {
    private enum Phase: Hashable, Sendable {
        case header
        case body
        case treeSeal
        /// After a seal: which optional sections may still follow.
        case trailer(digestAllowed: Bool)
        case done
    }

    private var phase: Phase = .header
    private var body: SnapshotBodyDecoder
    private var checksum = Adler32()
    private let limits: JuteLimits

    /// Bytes consumed from the start of the file.
    public private(set) var offset = 0

    public init(limits: JuteLimits = .default) {
        self.limits = limits
        self.body = SnapshotBodyDecoder(limits: limits)
    }

    public var isComplete: Bool { phase == .done }
    /// Counts so far (sessions, ACL entries, nodes) are the body decoder's.
    public var bodyDecoder: SnapshotBodyDecoder { body }

    public mutating func next(
        from buffer: inout ByteBuffer,
        endOfInput: Bool = false
    ) throws(StorageFormatError) -> SnapshotFileItem? {
        let before = buffer
        guard let item = try read(from: &buffer, endOfInput: endOfInput) else {
            if endOfInput && phase != .done {
                throw StorageFormatError(.truncated, offset: offset, detail: "the snapshot ends inside an item")
            }
            if phase == .done && buffer.readableBytes > 0 {
                throw StorageFormatError(.trailingBytes, offset: offset, detail: "\(buffer.readableBytes) bytes after the snapshot")
            }
            return nil
        }
        let consumed = before.getSlice(at: before.readerIndex, length: buffer.readerIndex - before.readerIndex)!
        checksum.update(consumed)
        offset += consumed.readableBytes
        return item
    }

    private mutating func read(from buffer: inout ByteBuffer, endOfInput: Bool) throws(StorageFormatError) -> SnapshotFileItem? {
        switch phase {
        case .header:
            guard buffer.readableBytes >= FileHeader.juteMinimumSize else { return nil }
            let header: FileHeader
            do throws(JuteError) {
                header = try buffer.readJuteRecord(FileHeader.self, limits: limits)
            } catch {
                throw StorageFormatError(.invalidRecord, offset: offset, jute: error)
            }
            guard header.magic == FileMagic.snapshot else {
                throw StorageFormatError(.badMagic, offset: offset, detail: "magic \(header.magic), expected \(FileMagic.snapshot) (ZKSN)")
            }
            phase = .body
            return .header(header)
        case .body:
            let before = body.bytesConsumed
            do throws(StorageFormatError) {
                guard let item = try body.next(from: &buffer) else { return nil }
                if body.isComplete { phase = .treeSeal }
                return .body(item)
            } catch {
                var error = error
                error.offset = offset + (error.offset - before)
                throw error
            }
        case .treeSeal:
            switch readSeal(from: buffer, contentLength: 0) {
            case .needMore:
                return nil
            case .mismatch(let error):
                throw error
            case .match(let seal, let length):
                buffer.moveReaderIndex(forwardBy: length)
                phase = .trailer(digestAllowed: true)
                return .seal(SnapshotSeal(section: .tree, checksum: seal))
            }
        case .trailer(let digestAllowed):
            if buffer.readableBytes == 0 {
                if endOfInput { phase = .done }
                return nil
            }
            var attempts: [Attempt] = []
            if digestAllowed { attempts.append(readDigestSection(from: buffer)) }
            attempts.append(readZxidSection(from: buffer))
            for attempt in attempts {
                if case .match(let seal, let length) = attempt {
                    buffer.moveReaderIndex(forwardBy: length)
                    if case .digest = seal.section {
                        phase = .trailer(digestAllowed: false)
                    } else {
                        phase = .done
                    }
                    return .seal(seal)
                }
            }
            let needMore = attempts.contains { if case .needMore = $0 { true } else { false } }
            if needMore && !endOfInput { return nil }
            if needMore {
                throw StorageFormatError(.truncated, offset: offset, detail: "\(buffer.readableBytes) bytes after the last seal")
            }
            if case .mismatch(let error) = attempts[0] { throw error }
            return nil
        case .done:
            return nil
        }
    }

    private enum Attempt {
        case needMore
        case mismatch(StorageFormatError)
        case match(SnapshotSeal, length: Int)
    }

    private enum SealRead {
        case needMore
        case mismatch(StorageFormatError)
        case match(Int64, length: Int)
    }

    /// Reads the seal that follows `contentLength` bytes of section content.
    private func readSeal(from buffer: ByteBuffer, contentLength: Int) -> SealRead {
        var reader = buffer
        guard let content = reader.readSlice(length: contentLength),
              let stored = reader.readInteger(endianness: .big, as: Int64.self) else { return .needMore }
        let marker: String?
        do throws(JuteError) {
            marker = try reader.readJuteUString(limits: limits, field: "seal path")
        } catch where error.kind == .truncated {
            return .needMore
        } catch {
            return .mismatch(StorageFormatError(.badSeal, offset: offset + contentLength + 8, jute: error))
        }
        var expected = checksum
        expected.update(content)
        guard stored == Int64(expected.value) else {
            return .mismatch(StorageFormatError(
                .checksumMismatch, offset: offset + contentLength,
                detail: "seal \(stored), computed \(expected.value)"
            ))
        }
        guard marker == SnapshotSeal.marker else {
            return .mismatch(StorageFormatError(.badSeal, offset: offset + contentLength + 8, detail: "marker \(marker ?? "null")"))
        }
        return .match(stored, length: reader.readerIndex - buffer.readerIndex)
    }

    private func readDigestSection(from buffer: ByteBuffer) -> Attempt {
        var reader = buffer
        guard let zxid = reader.readInteger(endianness: .big, as: Int64.self),
              let version = reader.readInteger(endianness: .big, as: Int32.self) else { return .needMore }
        let value: SnapshotZxidDigest.Value
        if version < 2 {
            do throws(JuteError) {
                value = .hexString(try reader.readJuteUString(limits: limits, field: "ZxidDigest.digest"))
            } catch where error.kind == .truncated {
                return .needMore
            } catch {
                return .mismatch(StorageFormatError(.invalidRecord, offset: offset + 12, jute: error))
            }
        } else {
            guard let digest = reader.readInteger(endianness: .big, as: Int64.self) else { return .needMore }
            value = .long(digest)
        }
        let digest = SnapshotZxidDigest(zxid: zxid, digestVersion: version, digest: value)
        return attempt(.digest(digest), contentLength: reader.readerIndex - buffer.readerIndex, in: buffer)
    }

    private func readZxidSection(from buffer: ByteBuffer) -> Attempt {
        guard let zxid = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int64.self) else { return .needMore }
        return attempt(.lastProcessedZxid(zxid), contentLength: 8, in: buffer)
    }

    private func attempt(_ section: SnapshotSeal.Section, contentLength: Int, in buffer: ByteBuffer) -> Attempt {
        switch readSeal(from: buffer, contentLength: contentLength) {
        case .needMore: return .needMore
        case .mismatch(let error): return .mismatch(error)
        case .match(let checksum, let length):
            return .match(SnapshotSeal(section: section, checksum: checksum), length: length)
        }
    }
}

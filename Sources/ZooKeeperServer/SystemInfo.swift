#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `envi`, `mntr`, `dump` and `dirs` read from the operating system:
/// the process's equivalents of the JVM properties Java prints.
enum SystemInfo {
    /// InetAddress.getLocalHost().getCanonicalHostName(): the host name, or
    /// its canonical name when the resolver knows one.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "<NA>" }
        let name = text(ofCString: buffer)
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return name }
        defer { freeaddrinfo(result) }
        guard let canonical = first.pointee.ai_canonname else { return name }
        return String(cString: canonical)
    }

    /// os.name, os.arch (Java's names: amd64 for x86_64) and os.version.
    static var operatingSystem: (name: String, arch: String, version: String) {
        var info = utsname()
        guard uname(&info) == 0 else { return ("<NA>", "<NA>", "<NA>") }
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let machine = field(&info.machine)
        let arch: String
        switch machine {
        case "x86_64": arch = "amd64"
        case "i386", "i486", "i586", "i686": arch = "x86"
        default: arch = machine
        }
        return (field(&info.sysname), arch, field(&info.release))
    }

    /// user.name and user.home from the password database (as the JVM reads them).
    static var user: (name: String, home: String) {
        guard let entry = getpwuid(geteuid()) else { return ("<NA>", "<NA>") }
        return (String(cString: entry.pointee.pw_name), String(cString: entry.pointee.pw_dir))
    }

    /// user.dir: the working directory.
    static var workingDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "<NA>" }
        return text(ofCString: buffer)
    }

    /// java.io.tmpdir's counterpart: $TMPDIR, else /tmp.
    static var temporaryDirectory: String {
        guard let value = getenv("TMPDIR") else { return "/tmp" }
        return String(cString: value)
    }

    /// Bytes of physical memory, and of it available now.
    static var physicalMemory: (total: Int, available: Int) {
        let page = sysconf(Int32(_SC_PAGESIZE))
        return (sysconf(Int32(_SC_PHYS_PAGES)) * page, sysconf(Int32(_SC_AVPHYS_PAGES)) * page)
    }

    /// Resident set size of this process in bytes (/proc/self/statm), 0 if unknown.
    static var residentMemory: Int {
        guard let text = readSmallFile("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// OSMXBean.getOpenFileDescriptorCount: entries of /proc/self/fd.
    static var openFileDescriptors: Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { count += 1 }
        }
        // The directory stream holds one descriptor of its own.
        return count - 1
    }

    /// OSMXBean.getMaxFileDescriptorCount: the soft RLIMIT_NOFILE.
    static var maxFileDescriptors: Int {
        var limit = rlimit()
        #if canImport(Glibc)
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        #else
        guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return -1 }
        #endif
        return Int(limit.rlim_cur)
    }

    /// java.util.Date.toString in the local time zone: "Sun Nov 22 02:36:59 UTC 2026".
    static func javaDate(millisecondsSince1970 milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %d %H:%M:%S %Z %Y", &parts)
        return count == 0 ? "\(milliseconds)" : text(ofCString: buffer)
    }

    /// ZooKeeperServer.getDirSize: the lengths of every file below `path`
    /// (0 when it does not exist), following Java's File.isDirectory.
    static func directorySize(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return Int64(info.st_size) }
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var size: Int64 = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            size += directorySize(path + "/" + name)
        }
        return size
    }

    /// File.getAbsolutePath: relative paths resolved against the working directory.
    static func absolutePath(_ path: String) -> String {
        path.hasPrefix("/") ? path : workingDirectory + "/" + path
    }

    private static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return text(ofCString: buffer)
    }
}

/// The text up to the first NUL of a C character array.
private func text(ofCString buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

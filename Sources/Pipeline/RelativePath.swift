import Foundation

/// `to` relative to `from` (both taken relative to the current directory when not absolute).
func relativePath(from: String, to: String) -> String {
    func components(_ path: String) -> [String] {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
    }
    let a = components(from), b = components(to)
    var common = 0
    while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
    let parts = Array(repeating: "..", count: a.count - common) + b[common...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}


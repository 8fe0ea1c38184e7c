import Dispatch

/// Runs `body(block)` for every block in 0..<blocks concurrently and returns when all are done.
///
/// The one place this module crosses threads. `body` may capture unsafe pointers: the caller
/// guarantees that different blocks write disjoint memory, which Swift's Sendable checking
/// cannot express, hence the unchecked box.
func concurrentBlocks(_ blocks: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: blocks) { box.value($0) }
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Computes `make(i)` for i in 0..<copies on `threads` threads and hands each result to `store`
/// on the calling thread, in index order. Public for other modules' embarrassingly parallel
/// work (e.g. `fit`'s Monte Carlo null distributions).
public func parallelFill<T>(copies: Int, threads: Int, make: (Int) -> T, store: (Int, T) -> Void) {
    var results = [T?](repeating: nil, count: copies)
    let blocks = max(1, min(threads, copies))
    results.withUnsafeMutableBufferPointer { out in
        let base = out.baseAddress!
        concurrentBlocks(blocks) { block in
            for i in (copies * block / blocks)..<(copies * (block + 1) / blocks) {
                (base + i).pointee = make(i)
            }
        }
    }
    for (i, result) in results.enumerated() { store(i, result!) }
}

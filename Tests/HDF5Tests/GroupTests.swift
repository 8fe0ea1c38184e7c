import HDF5
import Testing

@Suite struct GroupTests {
    @Test func nestedGroupsAreCreatedWithTheirParentsAndNamedByPath() throws {
        try withTemporaryFile("groups") { path in
            let file = try File.create(path)
            let root = try file.root()
            #expect(root.name == "/")
            #expect(root.filePath == path)
            let deep = try root.createGroup("a/b/c")
            #expect(deep.name == "/a/b/c")
            let a = try root.openGroup("a")
            #expect(a.name == "/a")
            #expect(try a.openGroup("b").name == "/a/b")
            #expect(try a.openGroup("/a/b/c").name == "/a/b/c")
            let data = try a.write("b/data", [1.0])
            #expect(data.name == "/a/b/data")
            #expect(data.filePath == path)
            #expect(try root.openGroup("a/b").memberNames() == ["c", "data"])
            #expect(try root.memberNames() == ["a"])
        }
    }

    @Test func containsFollowsNestedPathsAndIsFalseWhenAnyPartIsMissing() throws {
        try withTemporaryFile("contains") { path in
            let file = try File.create(path)
            let root = try file.root()
            try root.createGroup("a/b/c")
            try root.write("a/b/data", [1.0])
            // (#expect cannot capture a noncopyable receiver, so the answers are collected first.)
            let expected: [String: Bool] = [
                "a": true, "a/b": true, "a/b/c": true, "a/b/data": true, "/a/b/c": true, "/": true,
                "": false, "x": false, "a/x/c": false, "a/b/c/d": false,
                "a/b/data/x": false,  // a dataset has no members
            ]
            let found = expected.keys.reduce(into: [String: Bool]()) { $0[$1] = root.contains($1) }
            #expect(found == expected)
            let b = try root.openGroup("a/b")
            let relative = ["c", "a", "/a"].map { b.contains($0) }
            #expect(relative == [true, false, true])
            // A failed probe leaves nothing behind: the next error carries its own message.
            let error = try #require(throws: HDF5Error.self) { _ = try root.openGroup("a/missing") }
            #expect(error.message == "unable to open group (object 'missing' doesn't exist)")
        }
    }
}

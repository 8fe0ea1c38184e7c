import Foundation
import Simulation

/// A reproducible English-like text corpus from a seeded probabilistic grammar, its character
/// vocabulary and a train/validation split.
///
/// **Grammar.** Paragraphs of 3–7 sentences separated by a blank line. A sentence is a clause,
/// optionally joined to a second by a conjunction ("and", "but", "because", "while", "so"), or a
/// question ("does the old miller …?"), or quoted speech ("…," said Anna.). A clause is
/// NP VP: NP = determiner (adjective)* noun (prepositional phrase)? or a name; VP = verb (NP)?
/// (adverb)?, with singular/plural agreement between subject and verb (`walks`/`walk`). Words are
/// drawn from fixed lexicons with Zipf weights 1/rank, so frequent words dominate as in real
/// text. The text therefore has structure at every scale a character model can learn: spelling
/// within words, agreement and word order within sentences, capitalisation and punctuation.
///
/// **Randomness.** Every choice is a uniform from `RandomStream(runSeed: seed, seedIndex:
/// RandomStream.sharedSeedIndex, purpose: .data)`, so the text is a pure function of `seed` and
/// `characters` on every platform.
///
/// Cost: O(characters), about 0.1 s per megabyte.
public struct Corpus: Sendable {
    /// The text, as indices into `vocabulary`.
    public let tokens: [Int32]
    /// The distinct characters of the text, ascending by Unicode scalar value.
    public let vocabulary: [Character]
    /// Tokens `0 ..< splitIndex` are the training split, the rest the validation split.
    public let splitIndex: Int

    public var vocabularySize: Int { vocabulary.count }
    public var trainingTokens: ArraySlice<Int32> { tokens[..<splitIndex] }
    public var validationTokens: ArraySlice<Int32> { tokens[splitIndex...] }

    /// Generates at least `characters` characters (whole paragraphs) from seed `seed`; the last
    /// `validationFraction` of the text (cut at a paragraph boundary at or after that point) is
    /// the validation split.
    ///
    /// - Precondition: `characters ≥ 1000`, `validationFraction ∈ (0, 0.5]`.
    public init(characters: Int, seed: UInt64, validationFraction: Double = 0.1) {
        precondition(characters >= 1000, "Corpus: at least 1000 characters, got \(characters)")
        precondition(validationFraction > 0 && validationFraction <= 0.5, "Corpus: validationFraction must be in (0, 0.5]")
        let text = Self.generate(characters: characters, seed: seed)
        self.init(text: text, validationFraction: validationFraction)
    }

    /// A corpus of the given text (e.g. a public-domain book): vocabulary of its characters,
    /// split at the first paragraph break (or character) after (1 − validationFraction)·count.
    public init(text: String, validationFraction: Double = 0.1) {
        let characters = Array(text)
        vocabulary = Set(characters).sorted { $0.unicodeScalars.first!.value < $1.unicodeScalars.first!.value }
        var index = [Character: Int32]()
        for (i, c) in vocabulary.enumerated() { index[c] = Int32(i) }
        tokens = characters.map { index[$0]! }
        let nominal = Int(Double(characters.count) * (1 - validationFraction))
        var cut = nominal
        while cut < characters.count - 1 && !(characters[cut] == "\n" && characters[cut + 1] == "\n") { cut += 1 }
        splitIndex = cut < characters.count - 1 ? cut + 2 : nominal
    }

    /// The text of `tokens`.
    public func decode<S: Sequence>(_ tokens: S) -> String where S.Element == Int32 {
        String(tokens.map { vocabulary[Int($0)] })
    }

    /// Unigram (single-character) entropy H = −Σ_c p_c ln p_c of the training split, in nats per
    /// character, with p_c the empirical character frequencies. A model that ignores context
    /// cannot reach a cross-entropy below this on text with the same frequencies.
    public var unigramEntropy: Double {
        var counts = [Int](repeating: 0, count: vocabularySize)
        for t in trainingTokens { counts[Int(t)] += 1 }
        let total = Double(splitIndex)
        return counts.reduce(0) { sum, c in c == 0 ? sum : sum - Double(c) / total * Foundation.log(Double(c) / total) }
    }

    // MARK: - The grammar

    static let names = ["Anna", "Tom", "Mira", "Oskar", "Lena", "Jonas", "Clara", "Felix", "Ida", "Hugo"]
    static let determiners = ["the", "a", "every", "one", "that", "this", "no", "some"]
    static let nouns: [(String, String)] = [
        ("man", "men"), ("woman", "women"), ("child", "children"), ("dog", "dogs"), ("cat", "cats"),
        ("house", "houses"), ("river", "rivers"), ("tree", "trees"), ("king", "kings"), ("queen", "queens"),
        ("bird", "birds"), ("horse", "horses"), ("city", "cities"), ("garden", "gardens"), ("letter", "letters"),
        ("stone", "stones"), ("window", "windows"), ("road", "roads"), ("ship", "ships"), ("mountain", "mountains"),
        ("teacher", "teachers"), ("farmer", "farmers"), ("miller", "millers"), ("soldier", "soldiers"),
        ("baker", "bakers"), ("field", "fields"), ("door", "doors"), ("book", "books"), ("song", "songs"),
        ("lamp", "lamps"), ("bridge", "bridges"), ("forest", "forests"), ("wolf", "wolves"), ("fox", "foxes"),
        ("box", "boxes"), ("story", "stories"), ("friend", "friends"), ("brother", "brothers"), ("sister", "sisters"),
        ("village", "villages"),
    ]
    /// (base, third person singular, past).
    static let verbs: [(String, String, String)] = [
        ("see", "sees", "saw"), ("find", "finds", "found"), ("love", "loves", "loved"), ("follow", "follows", "followed"),
        ("carry", "carries", "carried"), ("watch", "watches", "watched"), ("remember", "remembers", "remembered"),
        ("build", "builds", "built"), ("open", "opens", "opened"), ("call", "calls", "called"), ("know", "knows", "knew"),
        ("keep", "keeps", "kept"), ("leave", "leaves", "left"), ("paint", "paints", "painted"), ("hear", "hears", "heard"),
        ("take", "takes", "took"), ("bring", "brings", "brought"), ("help", "helps", "helped"), ("hide", "hides", "hid"),
        ("wake", "wakes", "woke"), ("cross", "crosses", "crossed"), ("guard", "guards", "guarded"),
    ]
    static let intransitive: [(String, String, String)] = [
        ("sleep", "sleeps", "slept"), ("sing", "sings", "sang"), ("wait", "waits", "waited"), ("run", "runs", "ran"),
        ("laugh", "laughs", "laughed"), ("walk", "walks", "walked"), ("listen", "listens", "listened"),
        ("fall", "falls", "fell"), ("dream", "dreams", "dreamed"), ("return", "returns", "returned"),
    ]
    static let adjectives = ["old", "little", "quiet", "dark", "bright", "young", "green", "tall", "cold", "strange",
                             "happy", "golden", "broken", "silent", "wild", "gentle", "hungry", "white", "small", "red"]
    static let adverbs = ["slowly", "again", "today", "quietly", "at night", "in the morning", "alone", "together",
                          "before dawn", "every day", "once more", "without a word"]
    static let prepositions = ["in", "near", "behind", "under", "beyond", "across", "by", "with", "from", "over"]
    static let conjunctions = ["and", "but", "because", "while", "so", "when", "until"]
    static let speech = ["said", "asked", "whispered", "cried", "answered"]

    static func generate(characters: Int, seed: UInt64) -> String {
        var g = Generator(stream: RandomStream(runSeed: seed, seedIndex: RandomStream.sharedSeedIndex, purpose: .data))
        var text = ""
        text.reserveCapacity(characters + 2000)
        var count = 0
        while count < characters {
            var paragraph = ""
            for s in 0..<(3 + g.index(5)) {
                if s > 0 { paragraph += " " }
                paragraph += g.sentence()
            }
            paragraph += "\n\n"
            count += paragraph.unicodeScalars.count
            text += paragraph
        }
        return text
    }

    /// Draws the grammar's choices from one random stream.
    struct Generator {
        var stream: RandomStream

        mutating func uniform() -> Double { stream.nextUniform() }
        mutating func chance(_ p: Double) -> Bool { uniform() < p }
        /// Uniform index in 0..<n.
        mutating func index(_ n: Int) -> Int { min(n - 1, Int(uniform() * Double(n))) }
        /// Index in 0..<n with Zipf weights 1/(i + 1).
        mutating func zipf(_ n: Int) -> Int {
            var total = 0.0
            for i in 0..<n { total += 1 / Double(i + 1) }
            var u = uniform() * total
            for i in 0..<n {
                u -= 1 / Double(i + 1)
                if u <= 0 { return i }
            }
            return n - 1
        }
        mutating func pick<T>(_ items: [T]) -> T { items[zipf(items.count)] }

        /// A noun phrase and whether it is plural.
        mutating func nounPhrase(depth: Int = 0) -> (text: String, plural: Bool) {
            if chance(0.15) { return (pick(Corpus.names), false) }
            let plural = chance(0.3)
            var words: [String] = []
            if plural {
                words.append(pick(["the", "some", "many", "all the", "two", "these"]))
            } else {
                words.append(pick(Corpus.determiners))
            }
            if chance(0.45) { words.append(pick(Corpus.adjectives)) }
            if chance(0.15) { words.append(pick(Corpus.adjectives)) }
            let noun = pick(Corpus.nouns)
            words.append(plural ? noun.1 : noun.0)
            if words[0] == "a", let first = words[1].first, "aeiou".contains(first) { words[0] = "an" }
            if depth == 0 && chance(0.2) {
                words.append(pick(Corpus.prepositions))
                words.append(nounPhrase(depth: 1).text)
            }
            return (words.joined(separator: " "), plural)
        }

        mutating func verbPhrase(plural: Bool, past: Bool) -> String {
            var words: [String] = []
            if chance(0.7) {
                let v = pick(Corpus.verbs)
                words.append(past ? v.2 : (plural ? v.0 : v.1))
                words.append(nounPhrase().text)
            } else {
                let v = pick(Corpus.intransitive)
                words.append(past ? v.2 : (plural ? v.0 : v.1))
            }
            if chance(0.35) { words.append(pick(Corpus.adverbs)) }
            return words.joined(separator: " ")
        }

        mutating func clause(past: Bool) -> String {
            let subject = nounPhrase()
            return subject.text + " " + verbPhrase(plural: subject.plural, past: past)
        }

        mutating func sentence() -> String {
            let past = chance(0.5)
            let kind = uniform()
            if kind < 0.12 {
                // Question: do/does/did + subject + base verb.
                let subject = nounPhrase()
                let auxiliary = past ? "did" : (subject.plural ? "do" : "does")
                let v = chance(0.7) ? pick(Corpus.verbs) : pick(Corpus.intransitive)
                var body = "\(auxiliary) \(subject.text) \(v.0)"
                if Corpus.verbs.contains(where: { $0.0 == v.0 }) { body += " " + nounPhrase().text }
                return capitalised(body) + "?"
            }
            if kind < 0.24 {
                let said = pick(Corpus.speech)
                let speaker = chance(0.6) ? pick(Corpus.names) : nounPhrase().text
                let quote = capitalised(clause(past: false))
                return "\"" + quote + (said == "asked" ? "?\" " : ",\" ") + said + " " + speaker + "."
            }
            var body = clause(past: past)
            if chance(0.4) { body += (chance(0.3) ? ", " : " ") + pick(Corpus.conjunctions) + " " + clause(past: past) }
            return capitalised(body) + (chance(0.06) ? "!" : ".")
        }

        func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
    }
}

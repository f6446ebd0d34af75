import CasparianCore

/// Which files of a large set discovery reads: per *pattern* (the file's
/// folder and name with every run of digits as `#`, so `eu/sales_2024-01.csv`
/// and `eu/sales_2024-02.csv` share `eu/sales_#-#.csv`), the first and last
/// by name, the largest, and some at random (seeded, so a run is
/// reproducible). Groups no bigger than the plan are read whole.
public struct SamplePlan: Sendable, Equatable, Codable {
    public var first: Int
    public var last: Int
    public var largest: Int
    public var random: Int
    public var seed: UInt64

    public init(first: Int = 3, last: Int = 3, largest: Int = 3, random: Int = 11, seed: UInt64 = 42) {
        self.first = first
        self.last = last
        self.largest = largest
        self.random = random
        self.seed = seed
    }

    /// A file to choose from: its name relative to the root (the pattern
    /// comes from it) and its size in bytes.
    public struct File: Sendable, Equatable {
        public var name: String
        public var size: Int
        public init(name: String, size: Int) {
            self.name = name
            self.size = size
        }
    }

    /// Files per pattern the plan reads at most.
    public var perPattern: Int { first + last + largest + random }

    /// The chosen files, in name order.
    public func select(_ files: [File]) -> [File] {
        var groups: [String: [File]] = [:]
        for f in files { groups[SamplePlan.pattern(of: f.name), default: []].append(f) }
        var chosen: [File] = []
        var rng = SplitMix64(seed: seed)
        for key in groups.keys.sorted() {
            let group = groups[key]!.sorted { $0.name < $1.name }
            if group.count <= perPattern {
                chosen += group
                continue
            }
            var picked = Set<Int>()
            picked.formUnion(0..<first)
            picked.formUnion((group.count - last)..<group.count)
            picked.formUnion(
                group.indices.sorted { (group[$0].size, group[$1].name) > (group[$1].size, group[$0].name) }
                    .prefix(largest))
            let target = picked.count + random
            while picked.count < min(target, group.count) {
                picked.insert(Int(rng.next() % UInt64(group.count)))
            }
            chosen += picked.sorted().map { group[$0] }
        }
        return chosen.sorted { $0.name < $1.name }
    }

    /// `eu/sales_2024-01.csv` → `eu/sales_#-#.csv`.
    public static func pattern(of name: String) -> String {
        var out = ""
        var inDigits = false
        for ch in name {
            if ch.isASCII && ch.isNumber {
                if !inDigits { out.append("#") }
                inDigits = true
            } else {
                out.append(ch)
                inDigits = false
            }
        }
        return out
    }
}

/// Text values that mean "no value" in files people export.
///
/// Matching is exact after trimming ASCII spaces; the solver reports which
/// sentinels it saw, so a numeric column with `N/A` in it is numeric and
/// nullable rather than a string. Not-reported markers (`NR`, `N/R`,
/// `N.R.`, `n.r.`) are sentinels too: a count column with `NR` in it is
/// numbers and nulls. In a column that ends up text, every sentinel word
/// is data (only empty text is null), so `NR` in a column of country codes
/// stays Nauru.
public enum NullSentinels {
    public static let standard: Set<String> = [
        "", "NA", "N/A", "n/a", "na", "N.A.", "null", "NULL", "Null", "None", "none", "NONE",
        "-", "--", "#N/A", "#NA", "#N/A N/A", "nan", "NaN", "NAN", "-nan", "-NaN", "nil", "NIL",
        "<NA>", "#NULL!", "?", "missing", "MISSING", "(null)", "undefined",
        "NR", "nr", "N/R", "n/r", "N.R.", "n.r.",
    ]

    /// The sentinel `text` is, or nil when it is a real value.
    public static func match(_ text: Substring) -> String? {
        let trimmed = text.trimmingASCIISpaces()
        return standard.contains(String(trimmed)) ? String(trimmed) : nil
    }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

import Foundation

/// Text as one word of a POSIX shell command line, for hints that show a
/// command to run (`--answer 'price=float64:# ##0,#'`): left as it is when
/// it needs no quoting, else in single quotes.
public enum ShellWord {
    public static func quoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "_-.=:%/+@".contains($0) }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

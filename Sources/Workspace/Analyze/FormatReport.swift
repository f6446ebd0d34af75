import CasparianCore
import Foundation
import Inference

/// The formats of a set of files (`casparian analyze`): one analysis per
/// file and a count per format.
public struct FormatReport: Codable, Sendable {
    public struct File: Codable, Sendable {
        public var path: String
        public var analysis: FormatAnalysis
    }
    public struct Count: Codable, Sendable {
        public var format: FileFormat
        /// Set for the compressed files whose content is `format`.
        public var compression: Compression?
        public var files: Int
        /// `csv`, `csv (gzip)`.
        public var label: String { format.label(compression: compression) }
    }
    public var files: [File]
    public var byFormat: [Count]
    /// Files that could not be read, with the reason.
    public var unreadable: [DiscoveryFailure]

    /// Analyses `paths` (files, or folders expanded recursively without
    /// hidden entries) from the first `prefix` bytes of each file.
    public static func analyze(paths: [String], prefix: Int = FormatAnalyzer.defaultPrefix) throws -> FormatReport {
        guard !paths.isEmpty else {
            throw CasparianError(.usage, "no files or folders to analyse", hint: "pass one or more paths, e.g. `casparian analyze data/`")
        }
        let set = try FileSet(paths: paths, pattern: nil, extensions: nil)
        var files: [File] = []
        var unreadable: [DiscoveryFailure] = []
        for e in set.entries {
            do { files.append(File(path: e.name, analysis: try FormatAnalyzer.analyze(path: e.path, prefix: prefix))) } catch let err
                as CasparianError
            {
                unreadable.append(DiscoveryFailure(file: e.name, category: err.kind.rawValue, message: err.message))
            }
        }
        let counts = Dictionary(grouping: files, by: \.analysis.label)
            .map { Count(format: $0.value[0].analysis.format, compression: $0.value[0].analysis.compression, files: $0.value.count) }
            .sorted { ($0.files, $1.format, $1.label) > ($1.files, $0.format, $0.label) }
        return FormatReport(files: files, byFormat: counts, unreadable: unreadable)
    }
}

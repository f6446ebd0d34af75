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
    /// With `structure`: the CSV/TSV files whose structure is broken (read whole).
    public var structure: [DiscoveryStructureProblem]?

    /// Analyses `paths` (files, or folders expanded recursively without
    /// hidden entries) from the first `prefix` bytes of each file.
    /// With `structure`, every CSV/TSV file is also read whole, and a quote
    /// never closed or rows with the wrong number of fields are reported.
    public static func analyze(paths: [String], prefix: Int = FormatAnalyzer.defaultPrefix, structure: Bool = false) throws
        -> FormatReport
    {
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
        var report = FormatReport(files: files, byFormat: counts, unreadable: unreadable)
        if structure {
            var problems: [DiscoveryStructureProblem] = []
            let formats = Dictionary(files.map { ($0.path, $0.analysis.format) }, uniquingKeysWith: { a, _ in a })
            // As discovery reads them: CSV/TSV, and irregular text named like it (ragged rows look irregular).
            let named = { (e: FileSet.Entry) in
                FileSet.delimitedExtensions.contains(URL(fileURLWithPath: e.path).pathExtension.lowercased())
            }
            for e in set.entries where formats[e.name]?.isDelimited == true || (formats[e.name] == .text && named(e)) {
                do {
                    let reader = try CSVReader(path: e.path)
                    try reader.forEachBlock { _ in true }
                    problems += DiscoveryStructureProblem.found(in: reader, file: e.name)
                } catch let err as CasparianError {
                    report.unreadable.append(DiscoveryFailure(file: e.name, category: err.kind.rawValue, message: err.message))
                }
            }
            report.structure = problems
        }
        return report
    }
}

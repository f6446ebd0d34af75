import Foundation

/// The page and its assets, embedded in the binary (Resources/, through
/// SwiftPM's `embedInCode`): plain HTML, CSS and JavaScript, no framework,
/// nothing fetched from the network.
enum LabAssets {
    struct Asset {
        var contentType: String
        var body: Data
    }

    /// Where the page's token goes in the HTML.
    static let tokenPlaceholder = "{{CSRF_TOKEN}}"

    static func asset(path: String, csrfToken: String) -> Asset? {
        switch path {
        case "/", "/index.html":
            let html = String(decoding: PackageResources.lab_html, as: UTF8.self)
                .replacingOccurrences(of: tokenPlaceholder, with: csrfToken)
            return Asset(contentType: "text/html; charset=utf-8", body: Data(html.utf8))
        case "/lab.js": return Asset(contentType: "text/javascript; charset=utf-8", body: Data(PackageResources.lab_js))
        case "/lab.css": return Asset(contentType: "text/css; charset=utf-8", body: Data(PackageResources.lab_css))
        case "/favicon.svg", "/favicon.ico":
            return Asset(contentType: "image/svg+xml", body: Data(PackageResources.favicon_svg))
        default: return nil
        }
    }
}

import CasparianCore
import Foundation
import HTTPService

/// Answers the Lab's requests: the page and its assets, and the JSON API.
/// Refusals come first: the access policy (Host, Origin, token), then for
/// a POST the page's token (`LabServer.csrfHeader`).
final class LabRouter: @unchecked Sendable {
    let environment: LabEnvironment
    let csrfToken: String
    private let lock = NSLock()
    private var currentPolicy: HTTPAccessPolicy

    init(environment: LabEnvironment, policy: HTTPAccessPolicy, csrfToken: String) {
        self.environment = environment
        self.currentPolicy = policy
        self.csrfToken = csrfToken
    }

    var policy: HTTPAccessPolicy { lock.withLock { currentPolicy } }

    /// The port actually bound (Host and Origin checks need it).
    func setPort(_ port: Int) { lock.withLock { currentPolicy.port = port } }

    func respond(to request: ServiceRequest) async -> ServiceResponse {
        let policy = self.policy
        // A link with ?token=… (beyond loopback): the token goes into a cookie, the URL loses it.
        if request.method == "GET", let token = request.query["token"], let expected = policy.token,
            HTTPAccessPolicy.constantTimeEqual(token, expected)
        {
            return ServiceResponse(
                status: 303,
                headers: [
                    "Location": request.path,
                    "Set-Cookie": "\(LabServer.tokenCookie)=\(token); Path=/; HttpOnly; SameSite=Strict",
                ])
        }
        if let refusal = policy.check(header: request.header) {
            environment.logger.notice("refused \(request.method) \(request.path): HTTP \(refusal.status)")
            guard refusal.status == 401 else { return LabJSON.error(refusal.status, refusal.message, headers: refusal.headers) }
            return LabJSON.error(
                401, "Unauthorized: this Lab listens beyond loopback and needs its token",
                hint: "open /?token=TOKEN once (TOKEN: the value of the variable named by --token-env); the browser keeps it in a cookie",
                headers: refusal.headers)
        }
        if request.path.hasPrefix("/api/") {
            return await api(request)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return LabJSON.error(405, "Method not allowed: \(request.method) \(request.path) (pages are read with GET)")
        }
        guard let asset = LabAssets.asset(path: request.path, csrfToken: csrfToken) else {
            return LabJSON.error(404, "Not found: \(request.path) (the Lab's page is /)")
        }
        return ServiceResponse(
            status: 200,
            headers: [
                "Content-Type": asset.contentType, "Cache-Control": "no-store",
                // Only what the binary serves: no other site's scripts, frames or form targets.
                "Content-Security-Policy":
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            ], body: .data(asset.body))
    }

    private func api(_ request: ServiceRequest) async -> ServiceResponse {
        guard let route = LabAPI.routes[request.path] else {
            return LabJSON.error(404, "Not found: no API \(request.path)")
        }
        guard route.method == request.method else {
            return LabJSON.error(405, "Method not allowed: \(request.path) takes \(route.method), not \(request.method)")
        }
        if route.method == "POST" {
            guard let sent = request.header(LabServer.csrfHeader), HTTPAccessPolicy.constantTimeEqual(sent, csrfToken) else {
                return LabJSON.error(
                    403,
                    "Forbidden: a request that changes something must come from the Lab's own page (the \(LabServer.csrfHeader) header is missing or wrong; cross-site requests are refused). Reload the page and try again."
                )
            }
        }
        do {
            let call = try LabCall(request: request, environment: environment)
            let value = try await route.handler(call)
            return LabJSON.response(200, value)
        } catch let e as CasparianError {
            return LabJSON.error(LabJSON.status(for: e.kind), e.message, hint: e.hint)
        } catch {
            return LabJSON.error(500, "\(error)")
        }
    }
}

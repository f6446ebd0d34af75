import Foundation
import HTTPService
import Testing

@Suite("HTTP access policy")
struct HTTPAccessPolicyTests {
    func check(_ policy: HTTPAccessPolicy, _ headers: [String: String]) -> HTTPAccessPolicy.Refusal? {
        let request = ServiceRequest(method: "GET", target: "/", headers: headers, body: nil)
        return policy.check(header: request.header)
    }

    @Test func aLoopbackServerRefusesForeignHostsAndOrigins() {
        let p = HTTPAccessPolicy(host: "127.0.0.1", port: 8642, token: nil, extraOrigins: [], originHint: "use --allow-origin {origin}")
        #expect(check(p, ["Host": "127.0.0.1:8642", "Origin": "http://localhost:8642"]) == nil)
        #expect(check(p, ["host": "evil.example:8642"])?.status == 421)
        let foreign = check(p, ["Origin": "http://evil.example"])
        #expect(foreign?.status == 403)
        #expect(foreign?.message == "Forbidden: Origin http://evil.example is not allowed (use --allow-origin http://evil.example)")
        #expect(check(p, ["Origin": "http://127.0.0.1:9999"])?.status == 403)
    }

    @Test func aTokenIsABearerHeaderOrTheNamedCookie() {
        let p = HTTPAccessPolicy(host: "10.0.0.5", port: 80, token: "s3cret", extraOrigins: [], tokenCookie: "lab")
        #expect(check(p, [:])?.status == 401)
        #expect(check(p, ["Authorization": "Bearer wrong"])?.status == 401)
        #expect(check(p, ["Authorization": "Bearer s3cret"]) == nil)
        #expect(check(p, ["Cookie": "a=b; lab=s3cret"]) == nil)
        #expect(check(p, ["Cookie": "lab=s3cre"])?.status == 401)
        // Beyond loopback the page's Origin is the Host the browser addressed; another origin is refused.
        #expect(check(p, ["Host": "lab.example:80", "Origin": "http://lab.example:80", "Cookie": "lab=s3cret"]) == nil)
        #expect(check(p, ["Host": "lab.example:80", "Origin": "http://evil.example", "Cookie": "lab=s3cret"])?.status == 403)
        let noCookie = HTTPAccessPolicy(host: "10.0.0.5", port: 80, token: "s3cret", extraOrigins: [])
        #expect(check(noCookie, ["Cookie": "lab=s3cret"])?.status == 401)
    }

    @Test func requestsSplitTheirQueryAndAddressesAreParsed() throws {
        let r = ServiceRequest(method: "get", target: "/api/file?path=%2Fa%20b.csv&plugin=sales&x", headers: ["X-A": "1"], body: nil)
        #expect(r.method == "GET" && r.path == "/api/file")
        #expect(r.query == ["path": "/a b.csv", "plugin": "sales", "x": ""])
        #expect(r.header("x-a") == "1")
        let o = try HTTPListener.Options(address: "[::1]:0", tokenVariable: nil, environment: [:])
        #expect(o.host == "::1" && o.port == 0)
        #expect(throws: (any Error).self) { try HTTPListener.Options(address: "nonsense", tokenVariable: nil, environment: [:]) }
        #expect(throws: (any Error).self) { try HTTPListener.Options(address: "0.0.0.0:1", tokenVariable: nil, environment: [:]) }
        #expect(throws: (any Error).self) { try HTTPListener.Options(address: "0.0.0.0:1", tokenVariable: "T", environment: [:]) }
        #expect(try HTTPListener.Options(address: "0.0.0.0:1", tokenVariable: "T", environment: ["T": "x"]).token == "x")
    }
}

// libFuzzer target: contract.json loading (a file people edit by hand and
// review in git). Whatever loads must write out and load back.
import Foundation

@testable import Contracts

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContract(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    guard let contract = try? ContractFile.decode(json, path: "contract.json") else { return 0 }
    do {
        let written = try ContractFile.encode(contract)
        _ = try ContractFile.decode(written, path: "contract.json (written back)")
    } catch {
        fatalError("a contract that loaded does not load back once written: \(error)")
    }
    return 0
}

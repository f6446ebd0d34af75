import CasparianCore
import Contracts
import Foundation
import Testing

@Suite("Contract model")
struct ContractCodingTests {
    @Test func lockedColumnDefaultsWhenFieldsAreOmitted() throws {
        let json = #"{"name": "amount", "type": "float64"}"#
        let c = try JSONDecoder().decode(LockedColumn.self, from: Data(json.utf8))
        #expect(c == LockedColumn(name: "amount", type: .float64, nullable: false))
    }

    @Test func unknownTypeIsRefused() {
        let json = #"{"name": "amount", "type": "money"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LockedColumn.self, from: Data(json.utf8)) }
    }
}

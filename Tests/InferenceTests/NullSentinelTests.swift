import Testing

@testable import Inference

@Suite("Null sentinels")
struct NullSentinelTests {
    @Test(arguments: ["", "NA", "N/A", "null", "NULL", "None", "-", "#N/A", "nan", " N/A "])
    func recognised(_ text: String) {
        #expect(NullSentinels.match(Substring(text)) != nil)
    }

    @Test(arguments: ["0", "No", "n", "NAN1", "Nancy", "—x"])
    func realValuesAreNotSentinels(_ text: String) {
        #expect(NullSentinels.match(Substring(text)) == nil)
    }
}

@Suite("Null sentinels on bytes")
struct NullSentinelBytesTests {
    @Test func maxLengthCoversEverySentinel() {
        #expect(NullSentinels.longest <= NullSentinels.maxLength)
        #expect(NullSentinels.ordered.count <= 64)
    }
}

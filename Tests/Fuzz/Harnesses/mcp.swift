// libFuzzer target: the MCP argument validator. The input is a tool call's
// `arguments` as a model sends them (JSON, decoded by the MCP SDK's
// `Value`), checked against schemas that use every keyword the tools'
// input schemas use.
import Foundation
import MCP

let schemas: [Value] = [
    JSONSchema.object(
        [
            "plugin": JSONSchema.string("The plugin's name.", minLength: 1, maxLength: 64),
            "mode": JSONSchema.string(oneOf: ["full", "fail_fast"]),
            "limit": JSONSchema.integer(minimum: 1, maximum: 1_000),
            "ratio": JSONSchema.number(minimum: 0, maximum: 1),
            "dry_run": JSONSchema.boolean(),
            "paths": JSONSchema.array(JSONSchema.string(minLength: 1), maxItems: 8),
            "scope_id": JSONSchema.nullable(JSONSchema.string(oneOf: ["a", "b"])),
            "answers": JSONSchema.array(
                JSONSchema.object(
                    ["column": JSONSchema.string(), "type": JSONSchema.string(oneOf: ["int64", "string"])], required: ["column"])),
            "row": JSONSchema.object([:], closed: false),
            "cell": JSONSchema.scalar,
            "payload": JSONSchema.anyValue,
        ], required: ["plugin"]),
    JSONSchema.object([:]),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMCP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    let value = (try? JSONDecoder().decode(Value.self, from: json)) ?? .string(String(decoding: json, as: UTF8.self))
    for schema in schemas {
        _ = SchemaValidator.problems(in: value, against: schema)
    }
    return 0
}

/// Where nginx sends one function's requests: `/api/<name>` and `/api/<name>/…` go to
/// `address`.
public struct FunctionUpstream: Sendable, Equatable {
    public let name: String
    /// `unix:/path/<name>.sock` (what the systemd units listen on) or `host:port`.
    public let address: String

    public init(name: String, address: String) throws {
        self.name = try ConfigValue.functionName(name, option: "--upstream")
        if address.hasPrefix("unix:") {
            self.address = "unix:" + (try ConfigValue.path(String(address.dropFirst(5)), option: "--upstream \(name)"))
        } else {
            guard let colon = address.lastIndex(of: ":"), Int(address[address.index(after: colon)...]) != nil,
                  address.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:-[]".contains($0)) }) else {
                throw DeployError.unsafe("--upstream", "\(name)=\(address)", "give unix:/path/to/\(name).sock or HOST:PORT")
            }
            self.address = address
        }
    }

    /// `NAME=unix:/path.sock` or `NAME=HOST:PORT`, as given to `--upstream`.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw DeployError.unsafe("--upstream", text, "write NAME=unix:/path/to/NAME.sock or NAME=HOST:PORT")
        }
        try self.init(name: String(text[..<equals]), address: String(text[text.index(after: equals)...]))
    }

    /// Each function on `<directory>/<name>.sock`: the socket `lectern serve` and the units
    /// from `lectern deploy systemd` use.
    public static func sockets(in directory: String, functions: [String]) throws -> [FunctionUpstream] {
        let folder = try ConfigValue.path(directory, option: "--functions-socket-dir")
        return try functions.map { try FunctionUpstream(name: $0, address: "unix:\(folder)/\($0).sock") }
    }

    /// `base` with each of `overrides` replacing the function of the same name, or added.
    public static func merging(_ base: [FunctionUpstream], overrides: [FunctionUpstream]) -> [FunctionUpstream] {
        var result = base
        for upstream in overrides {
            if let index = result.firstIndex(where: { $0.name == upstream.name }) {
                result[index] = upstream
            } else {
                result.append(upstream)
            }
        }
        return result
    }
}

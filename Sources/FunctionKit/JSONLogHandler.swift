import Foundation
import Logging
import Synchronization

/// swift-log handler writing one JSON object per line to stderr — what log collectors parse.
/// Used outside development; development keeps swift-log's readable stream handler.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private static let output = Mutex<Void>(())

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line = #"{"time":"# + JSONText.quote(Date().formatted(.iso8601)) + #","level":"# + JSONText.quote(event.level.rawValue)
        line += #","logger":"# + JSONText.quote(label) + #","message":"# + JSONText.quote(event.message.description)
        for key in fields.keys.sorted() {
            line += "," + JSONText.quote(key) + ":" + Self.render(fields[key]!)
        }
        line += "}\n"
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    static func render(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): JSONText.quote(string)
        case .stringConvertible(let value): JSONText.quote(value.description)
        case .array(let values): "[" + values.map(render).joined(separator: ",") + "]"
        case .dictionary(let values):
            "{" + values.keys.sorted().map { JSONText.quote($0) + ":" + render(values[$0]!) }.joined(separator: ",") + "}"
        }
    }
}

public enum FunctionLogging {
    private static let bootstrapped = Mutex(false)

    /// Once per process: JSON lines in production, readable lines in development. `LOG_LEVEL`
    /// sets the level (default info).
    public static func bootstrap(mode: FunctionConfig.Mode, level: String? = ProcessInfo.processInfo.environment["LOG_LEVEL"]) {
        let logLevel = level.flatMap(Logger.Level.init(rawValue:)) ?? .info
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = mode == .production
                    ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            }
        }
    }
}

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "lectern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lectern", targets: ["lectern"]),
        .executable(name: "leads", targets: ["leads"]),
        .executable(name: "access", targets: ["access"]),
        .executable(name: "auth", targets: ["auth"]),
        .executable(name: "progress", targets: ["progress"]),
        .executable(name: "payments", targets: ["payments"]),
        .executable(name: "generate", targets: ["generate"]),
        .library(name: "SiteBuild", targets: ["SiteBuild"]),
        .library(name: "FunctionKit", targets: ["FunctionKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The HTTP server of every function and of the router. Its swift-configuration trait is
        // off: configuration comes from the environment through FunctionConfig.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        // Accounts: bcrypt and TOTP (hummingbird-auth), HMAC/SHA-2/AES-GCM/Ed25519 (swift-crypto),
        // signed API tokens and OpenID id-tokens (jwt-kit).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // Debian's libcmark-gfm (+ extensions): the GitHub-flavoured Markdown reference parser.
        .systemLibrary(
            name: "CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's libcurl (OpenSSL flavour): the SMTP client behind Mail's SMTPMailer.
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "SiteModel"),
        .target(
            name: "SiteBuild",
            dependencies: [
                "SiteModel",
                "CCmarkGFM",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "FunctionKit",
            dependencies: [
                "Store",
                "SiteModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "Publish", dependencies: ["SiteBuild"]),
        // `lectern deploy nginx|systemd`: production configuration for one host.
        .target(name: "Deploy", dependencies: ["SiteModel"]),
        // Sign in with Google and Microsoft: OpenID Connect code flow with PKCE and id-token checks.
        .target(
            name: "OpenIDConnect",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Learning: access rules, quiz grading, progress, entitlements and certificates in the store.
        .target(
            name: "Learning",
            dependencies: [
                "SiteModel", "Store",
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        // Quality scorecard and sanitiser for generated copy: deterministic, Foundation only.
        .target(name: "CopyQuality"),
        // Account emails: SMTP through libcurl, or an outbox folder in development.
        .target(name: "Mail", dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")]),
        // Who is calling: sessions, API tokens, roles, CSRF. Every function that needs a user uses it.
        .target(
            name: "Accounts",
            dependencies: [
                "FunctionKit", "Store",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .target(
            name: "Router",
            dependencies: [
                "FunctionKit",
                "SiteModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // functions/<name>/: a library target (`buildApplication(config:)`, what tests drive)
        // and a tiny executable over it (what the router starts).
        .target(name: "LeadsFunction", dependencies: ["FunctionKit", "Store", .product(name: "SQLKit", package: "sql-kit"), .product(name: "HTTPTypes", package: "swift-http-types")], path: "functions/leads/Sources"),
        .executableTarget(name: "leads", dependencies: ["LeadsFunction"], path: "functions/leads/Main"),
        .target(name: "AccessFunction", dependencies: ["FunctionKit", "SiteModel", "Store", "Accounts", "Learning", .product(name: "HTTPTypes", package: "swift-http-types")], path: "functions/access/Sources"),
        .executableTarget(name: "access", dependencies: ["AccessFunction"], path: "functions/access/Main"),
        .target(
            name: "AuthFunction",
            dependencies: [
                "FunctionKit", "Store", "Accounts", "Mail", "OpenIDConnect",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "functions/auth/Sources",
            resources: [.copy("Resources/common-passwords.txt")]
        ),
        .executableTarget(name: "auth", dependencies: ["AuthFunction"], path: "functions/auth/Main"),
        .target(
            name: "ProgressFunction",
            dependencies: [
                "FunctionKit", "Store", "Accounts", "Learning", "SiteModel",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "functions/progress/Sources"
        ),
        .executableTarget(name: "progress", dependencies: ["ProgressFunction"], path: "functions/progress/Main"),
        .target(
            name: "PaymentsFunction",
            dependencies: [
                "FunctionKit", "Store", "Accounts", "Learning", "SiteModel", "Mail",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "functions/payments/Sources"
        ),
        .executableTarget(name: "payments", dependencies: ["PaymentsFunction"], path: "functions/payments/Main"),
        .target(
            name: "GenerateFunction",
            dependencies: [
                "FunctionKit", "Store", "Accounts", "Learning", "SiteModel", "CopyQuality",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "functions/generate/Sources"
        ),
        .executableTarget(name: "generate", dependencies: ["GenerateFunction"], path: "functions/generate/Main"),
        .executableTarget(
            name: "lectern",
            dependencies: [
                "SiteBuild",
                "Router",
                "Store",
                "Publish",
                "Deploy",
                "LeadsFunction",
                "Accounts",
                "Learning",
                "FunctionKit",
                "PaymentsFunction",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SiteBuildTests", dependencies: ["SiteBuild"]),
        .testTarget(name: "PublishTests", dependencies: ["Publish"]),
        .testTarget(name: "CopyQualityTests", dependencies: ["CopyQuality"]),
        .testTarget(name: "DeployTests", dependencies: ["Deploy", "Accounts", "Learning", "Store", .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(
            name: "MailTests",
            dependencies: [
                "Mail",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "OpenIDConnectTests",
            dependencies: [
                "OpenIDConnect", "AuthFunction", "FunctionKit", "Store",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "StoreTests", dependencies: ["Store", .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(
            name: "FunctionTests",
            dependencies: [
                "FunctionKit", "LeadsFunction", "AccessFunction", "AuthFunction", "ProgressFunction", "PaymentsFunction", "GenerateFunction", "Learning", "Accounts", "Mail", "Store",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "Router", "SiteBuild", "FunctionKit", "Store",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

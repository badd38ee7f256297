// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lectern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lectern", targets: ["lectern"]),
        .library(name: "SiteBuild", targets: ["SiteBuild"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Debian's libcmark-gfm (+ extensions): the GitHub-flavoured Markdown reference parser.
        .systemLibrary(
            name: "CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
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
        .executableTarget(
            name: "lectern",
            dependencies: [
                "SiteBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SiteBuildTests", dependencies: ["SiteBuild"]),
    ],
    swiftLanguageModes: [.v6]
)

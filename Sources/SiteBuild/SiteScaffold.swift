import Foundation

/// The files of a new site: config, home, pricing and a sample course of two modules, enough
/// to build at once on the default theme and to show every content convention.
public struct SiteScaffold: Sendable {
    public var title: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(title: String) {
        self.title = title
    }

    /// Writes the scaffold into `directory`, which must not exist or be empty.
    /// - Returns: the paths written, relative to `directory`.
    @discardableResult
    public func create(at directory: String) throws -> [String] {
        if FileSystem.exists(directory) {
            guard FileSystem.isDirectory(directory), FileSystem.files(under: directory).isEmpty else {
                throw Failure(description: "\(directory) already exists and is not empty; choose a new folder")
            }
        }
        for (path, text) in files {
            let target = directory + "/" + path
            try FileSystem.makeDirectories((target as NSString).deletingLastPathComponent)
            try FileSystem.write(Array(text.utf8), to: target)
        }
        return files.map(\.0)
    }

    var files: [(String, String)] {
        [
            (".gitignore", "dist/\nprivate/\n.lectern/\n"),
            ("content/site.yaml", """
                title: \(title)
                description: Courses written in Markdown and published with git push.
                base_url: http://localhost:8080
                language: en
                nav:
                  - title: Courses
                    url: /courses/
                  - title: Pricing
                    url: /pricing/
                offers:
                  - id: free
                    name: Free
                    price: 0
                    features: [The free lessons of every course]
                    courses: []
                    cta_url: /courses/
                  - id: pro
                    name: Pro
                    price: 19
                    interval: month
                    features: [Every lesson, Progress across devices]
                    courses: [sample-course]
                    highlighted: true

                """),
            ("content/_index.md", """
                ---
                title: \(title)
                description: Learn at your own pace.
                ---
                Welcome! Start with the [sample course](courses/sample-course/_index.md).

                """),
            ("content/pricing.md", """
                ---
                title: Pricing
                description: Choose how you learn.
                layout: pricing
                ---
                Every plan includes the free lessons.

                """),
            ("content/courses/sample-course/_index.md", """
                ---
                title: Sample Course
                description: A short course that shows how lessons, modules and access levels work.
                level: Beginner
                offer: pro
                access: paid
                ---
                Each folder is a module; each Markdown file in it is a lesson.

                """),
            ("content/courses/sample-course/01-getting-started/_index.md", """
                ---
                title: Getting Started
                description: The first steps.
                ---

                """),
            ("content/courses/sample-course/01-getting-started/01-welcome.md", """
                ---
                title: Welcome
                description: What this course covers.
                duration: 5
                access: free
                ---
                ## What you will learn

                Lessons are Markdown. Link to the [next lesson](02-first-steps.md) with its file name.

                ## How to use it

                Work through the modules in order.

                """),
            ("content/courses/sample-course/01-getting-started/02-first-steps.md", """
                ---
                title: First Steps
                description: Try the basics.
                duration: 10
                access: preview
                ---
                ## Try it

                - [ ] Read the lesson
                - [ ] Do the exercise

                """),
            ("content/courses/sample-course/02-going-further/_index.md", """
                ---
                title: Going Further
                description: Paid lessons live here.
                ---

                """),
            ("content/courses/sample-course/02-going-further/01-deep-dive.md", """
                ---
                title: Deep Dive
                description: A paid lesson; dist/ gets only its teaser.
                duration: 15
                ---
                ## The details

                This text is only in the private output until a learner has access.

                """),
        ]
    }
}

import Foundation
import SiteModel
import Testing

@testable import SiteBuild

/// Prompt templates and brand profiles: a gallery and a form page per template are published,
/// the prompts only reach the private manifest, and schema mistakes fail with file and line.
@Suite struct TemplateTests {
    static let template = """
        ---
        title: Google Ads
        channel: ads
        description: Headlines and descriptions within Google's limits.
        inputs:
          - name: product
            label: Product
            type: text
            required: true
            max_length: 120
            help: What you sell.
          - name: tone
            type: choice
            choices: [friendly, bold]
        outputs:
          - name: headline
            max_chars: 30
          - name: description
            max_chars: 90
        variants: 3
        model:
          temperature: 0.7
          max_tokens: 400
        examples:
          - headline: Bill every hour you work
            description: Tally tracks time so invoices match reality.
        ---
        SECRET-PROMPT: write {{variants}} ads for {{product}}.
        {{#tone}}Tone: {{tone}}.{{/tone}}
        {{#brand}}{{brand}}{{/brand}}
        """

    static func site(_ template: String = template) throws -> TestSite {
        var files = TestSite.minimal
        files["content/templates/google-ads.md"] = template
        files["content/brand/tally.md"] = "---\nname: Tally\ntone: Plain and warm.\nuse: [hours]\navoid: [seamless]\n---\nShort sentences.\n"
        return try TestSite(files)
    }

    @Test func galleryAndFormArePublishedAndThePromptIsNot() throws {
        let site = try Self.site()
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let gallery = try #require(site.read("dist/templates/index.html"))
        #expect(gallery.contains("href=\"/templates/google-ads/\""))
        #expect(gallery.contains("Headlines and descriptions within Google"))
        let page = try #require(site.read("dist/templates/google-ads/index.html"))
        #expect(page.contains("data-template=\"google-ads\""))
        #expect(page.contains("maxlength=\"120\""))
        #expect(page.contains("<option value=\"bold\">bold</option>"))
        #expect(page.contains("Headline ≤ 30 characters"))
        for file in site.files(under: "dist") {
            #expect(site.read("dist/" + file)?.contains("SECRET-PROMPT") != true, "the prompt leaked into dist/\(file)")
        }
        #expect(site.read("dist/sitemap.xml")?.contains("/templates/google-ads/") == true)

        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        let template = try #require(manifest.templates?.first)
        #expect(template.id == "google-ads")
        #expect(template.prompt.hasPrefix("SECRET-PROMPT"))
        #expect(template.inputs.map(\.name) == ["product", "tone"])
        #expect(template.outputs.map(\.maxChars) == [30, 90])
        #expect(template.temperature == 0.7 && template.maxTokens == 400)
        #expect(template.examples.first?["headline"] == "Bill every hour you work")
        #expect(manifest.brands?.first?.promptText.contains("Words to avoid: seamless") == true)
    }

    @Test func schemaMistakesFailWithFileAndLine() throws {
        func lines(_ replace: String, with text: String) throws -> [String] {
            let site = try Self.site(Self.template.replacingOccurrences(of: replace, with: text))
            defer { site.remove() }
            return site.build().lines
        }
        let file = "content/templates/google-ads.md"
        #expect(try lines("{{#tone}}Tone", with: "{{#tnoe}}Tone").contains {
            $0.hasPrefix("\(file):29: error: the prompt uses `{{tnoe}}`, which is not an input (did you mean `tone`?)")
        })
        #expect(try lines("channel: ads", with: "channel: billboards").contains {
            $0.hasPrefix("\(file):3: error: `channel` is `billboards`; use one of")
        })
        #expect(try lines("    choices: [friendly, bold]\n", with: "").contains(
            "\(file):12: error: input `tone` is a `choice`; list its `choices`"))
        #expect(try lines("    max_chars: 90", with: "    max_chars: 0").contains(
            "\(file):18: error: output `description` needs `max_chars` (1 or more): its hard limit"))
        #expect(try lines("Bill every hour you work", with: "Bill every single hour that you work, always").contains {
            $0.hasPrefix("\(file):25: error: example `headline` has 44 characters; the limit is 30")
        })
        #expect(try lines("variants: 3", with: "variants: 40").contains("\(file):20: error: `variants` must be between 1 and 10"))
        #expect(try lines("  - name: tone", with: "  - name: Tone!").contains {
            $0.hasPrefix("\(file):12: error: input name `Tone!` must be lowercase")
        })
        #expect(try lines("variants: 3", with: "variants: 3\nreading:\n  min_ease: 300").contains {
            $0.hasPrefix("\(file):22: error: `reading.min_ease` is a Flesch reading ease from 0 to 120")
        })
    }

    /// A template's readability target reaches the generate function through the manifest.
    @Test func theReadingTargetGoesToTheManifest() throws {
        let site = try Self.site(Self.template.replacingOccurrences(of: "variants: 3", with: "variants: 3\nreading:\n  min_ease: 65\n  max_grade: 8"))
        defer { site.remove() }
        #expect(site.build().succeeded)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(try #require(site.read("private/manifest.json")).utf8))
        #expect(manifest.templates?.first?.readingEase == 65 && manifest.templates?.first?.readingGrade == 8)
    }

    @Test func batchJobsPageExistsOnlyWithTemplatesAndStaysOutOfTheIndexes() throws {
        let site = try Self.site()
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let page = try #require(site.read("dist/account/batches/index.html"))
        #expect(page.contains("noindex"))
        #expect(page.contains("data-batches-api=\"/api/generate/batches\""))
        #expect(page.contains("<option value=\"google-ads\">Google Ads</option>"))
        #expect(page.contains("data-batches-inputs=\"google-ads\""))
        #expect(page.contains("<code>product,tone</code>"))
        #expect(page.contains("type=\"file\"") && page.contains("name=\"csv\""))
        #expect(page.contains("data-batches-form-error") && page.contains("data-batches-status"))
        #expect(page.contains("/assets/generate."))
        #expect(site.read("dist/sitemap.xml")?.contains("/account/batches/") == false)
        #expect(site.read("dist/search-index.json")?.contains("/account/batches/") == false)
        // The account page and the history page link to it.
        #expect(site.read("dist/account/index.html")?.contains("href=\"/account/batches/\"") == true)
        #expect(site.read("dist/account/generations/index.html")?.contains("href=\"/account/batches/\"") == true)

        let plain = try TestSite(TestSite.minimal)
        defer { plain.remove() }
        #expect(plain.build().succeeded)
        #expect(plain.read("dist/account/batches/index.html") == nil)
        #expect(plain.read("dist/account/index.html")?.contains("/account/batches/") == false)
    }
}

import Deploy
import Testing

@Suite struct DeployPlaceholderTests {}

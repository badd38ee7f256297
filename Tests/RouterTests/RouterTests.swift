import Testing
import Router

package dev.portless.connector.ingress;

/**
 * A service that answers web requests ({@code portless-kind: http} and {@code websocket} streams): an
 * HTTP origin the connector proxies to, or the built-in hello-world page.
 */
public sealed interface WebService extends Service permits OriginService, HelloWorldService {}

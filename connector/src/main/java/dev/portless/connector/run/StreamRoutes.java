package dev.portless.connector.run;

/**
 * Where the dispatcher sends the streams it reads: TCP streams to the target dialer, web requests to
 * the web streams.
 *
 * @param tcp the dialer of TCP targets
 * @param web the router of web requests
 */
record StreamRoutes(TargetDialer tcp, WebStreams web) {}

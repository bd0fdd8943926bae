package dev.portless.bridge;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        final String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"portless ssh-bridge " + (v == null ? "dev" : v)};
    }
}

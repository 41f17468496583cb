package io.flotilla.sim.data;

import java.util.Locale;
import java.util.regex.Pattern;

/** The {@code --partition} grammar behind {@link PartitionSpec#parse}. Stateless; thread-safe. */
final class PartitionSpecParser {

    private static final String FORMS = "natural, iid, dirichlet:ALPHA or shards:K";
    private static final Pattern DECIMAL = Pattern.compile("\\+?([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[-+]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("\\+?[0-9]+");

    private PartitionSpecParser() {}

    static PartitionSpec parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("invalid --partition: missing value; expected " + FORMS);
        }
        String t = s.strip().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String kind = colon < 0 ? t : t.substring(0, colon);
        String arg = colon < 0 ? null : t.substring(colon + 1).strip();
        switch (kind) {
            case "natural":
            case "iid":
                if (arg != null) {
                    throw invalid(s, "'" + kind + "' takes no parameter");
                }
                return kind.equals("iid") ? new PartitionSpec.Iid() : new PartitionSpec.Natural();
            case "dirichlet":
                if (arg == null || !DECIMAL.matcher(arg).matches()) {
                    throw invalid(s, "ALPHA must be a positive number, e.g. dirichlet:0.5");
                }
                double alpha = Double.parseDouble(arg);
                if (!(alpha > 0) || Double.isInfinite(alpha)) {
                    throw invalid(s, "ALPHA must be a positive finite number, e.g. dirichlet:0.5");
                }
                return new PartitionSpec.Dirichlet(alpha);
            case "shards":
                if (arg == null || !INTEGER.matcher(arg).matches()) {
                    throw invalid(s, "K must be a positive integer (labels per party), e.g. shards:2");
                }
                int k;
                try {
                    k = Integer.parseInt(arg);
                } catch (NumberFormatException e) {
                    throw invalid(s, "K is too large");
                }
                if (k < 1) {
                    throw invalid(s, "K must be a positive integer (labels per party), e.g. shards:2");
                }
                return new PartitionSpec.Shards(k);
            default:
                throw invalid(s, "unknown partition; expected " + FORMS);
        }
    }

    private static IllegalArgumentException invalid(String given, String why) {
        return new IllegalArgumentException("invalid --partition '" + given + "': " + why);
    }
}

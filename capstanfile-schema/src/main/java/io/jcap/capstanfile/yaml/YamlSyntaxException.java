package io.jcap.capstanfile.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** The text is not YAML; carries where and why in words a user can act on. */
public final class YamlSyntaxException extends Exception {
    private final Position position;

    private YamlSyntaxException(Position position, String message) {
        super(message);
        this.position = position;
    }

    public Position position() {
        return position;
    }

    static YamlSyntaxException of(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked) {
            String problem = marked.getProblem() == null ? "" : marked.getProblem().strip();
            String context = marked.getContext() == null ? "" : marked.getContext().strip();
            if (context.equals("while scanning an anchor")) {
                // The common case: Capstan's '&' placeholder written without quotes.
                return new YamlSyntaxException(position(marked.getContextMark()),
                        "YAML syntax error: '&' starts a YAML anchor; write \"&\" in quotes");
            }
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            String why = context.isEmpty() ? problem : problem + " (" + context + ")";
            return new YamlSyntaxException(position(mark), "YAML syntax error: " + why);
        }
        JsonLocation location = e.getLocation();
        Position position = location == null ? Position.START
                : new Position(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        String message = e.getOriginalMessage().strip();
        if (message.startsWith("Expected a field name")) {
            // Jackson's words for a list or map used as a key ("? [a]").
            message = "keys must be plain text, not lists or maps";
        }
        return new YamlSyntaxException(position, "YAML syntax error: " + message);
    }

    private static Position position(Mark mark) {
        return mark == null ? Position.START : new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }
}

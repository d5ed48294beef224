package io.jcap.cli.options;

import java.util.function.Function;
import picocli.CommandLine;

/**
 * A converter that hands the text to a domain type's own parser ({@code PortMapping::parse},
 * {@code BootMode::parse}) and reports its {@link IllegalArgumentException} as a refused option
 * value, so the rules and the wording stay with the type.
 */
abstract class DomainValueConverter<T> implements CommandLine.ITypeConverter<T> {
    private final Function<String, T> parser;

    DomainValueConverter(Function<String, T> parser) {
        this.parser = parser;
    }

    @Override
    public final T convert(String text) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw new OptionValueException(e.getMessage());
        }
    }
}

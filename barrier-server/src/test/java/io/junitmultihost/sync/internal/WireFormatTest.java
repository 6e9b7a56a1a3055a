package io.junitmultihost.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    @Test
    void plainNamesAreSentAsTheyAre() {
        assertThat(WireFormat.urlEncode("db-1.lab_2~a,b:c@d")).isEqualTo("db-1.lab_2~a,b:c@d");
    }

    @Test
    void reservedAndNonAsciiCharactersArePercentEncodedByteByByte() {
        assertThat(WireFormat.urlEncode("a b&c=d/é€")).isEqualTo("a%20b%26c%3Dd%2F%C3%A9%E2%82%AC");
    }

    @Test
    void encodingAppendsToWhatIsAlreadyThere() {
        StringBuilder target = new StringBuilder("with=");

        WireFormat.urlEncodeInto(WireFormat.urlEncodeInto(target, "a%").append(','), "b");

        assertThat(target).hasToString("with=a%25,b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "sp ace", "100%", "ünï-cödé", "tab\tand\nnewline", "日本"})
    void decodingUndoesEncoding(String text) {
        assertThat(WireFormat.urlDecode(WireFormat.urlEncode(text), false)).isEqualTo(text);
    }
}

package org.notesync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

@ExtendWith(OutputCaptureExtension.class)
class UnexpectedErrorsTest {

    @Test
    void anExceptionEscapingTheFiltersIsLoggedWithoutItsMessageAndAnswered500(CapturedOutput output)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/oauth2/authorize");
        MockHttpServletResponse response = new MockHttpServletResponse();
        new UnexpectedErrors().doFilter(request, response, (req, res) -> {
            throw new DataIntegrityViolationException("Value too long for column \"principal_name\": "
                    + "'jane.doe.a-very-long-address@example.org'");
        });
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(output).contains("Unhandled error on POST /oauth2/authorize",
                "DataIntegrityViolationException (message not logged)").doesNotContain("jane.doe");
    }

    @Test
    void undecodableParametersGoOnToTheErrorPageThatAnswersThemWithA400() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/notes");
        assertThatThrownBy(() -> new UnexpectedErrors().doFilter(request, new MockHttpServletResponse(),
                (req, res) -> {
                    throw new InvalidParameterException("bad %zz");
                })).isInstanceOf(InvalidParameterException.class);
    }
}

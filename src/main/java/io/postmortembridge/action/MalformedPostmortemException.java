package io.postmortembridge.action;

/**
 * A post-mortem whose structure cannot be read: no Actions heading, no table, a column missing, a
 * value of the wrong JSON type, or more than the service accepts. The message is meant for the
 * person who wrote the post-mortem (it goes into a Jira comment or an HTTP 400 body as it is): it
 * says what is wrong and what to change, and quotes no more of the input than it needs to.
 */
public class MalformedPostmortemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedPostmortemException(String message) {
        super(message);
    }
}

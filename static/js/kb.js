// kb default theme script.

"""Jobs: what a command does, end to end, as one library function the CLI and the API share.

``run`` (plan, summarize, score, gates, reports), ``score`` (prediction files through the
same run), ``compare`` (two runs, their changes and gates) and ``history`` (runs over time, a
column's trend per comparable series). A job returns its outcome as data; printing it is the
CLI's business.
"""

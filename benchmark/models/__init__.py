"""Model weights found offline, the encoder runtime shared by BERTScore and faithfulness, the LLM client."""

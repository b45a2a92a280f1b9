"""The safety service: screens user inputs (SAFE/REVIEW/REFUSE) and answers (SAFE/EDIT/BLOCK).

Scores come from scorers (today the rule-based `rules.Rules`; a trained classifier joins later
through the same interface) and one policy (`policy`) turns them into decisions with
thresholds from settings.
"""

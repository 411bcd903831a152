"""Each customer's current value segment (RFM over the last 12 months), written by the
analytics refresh. The column gets a database default, so adding it to a million rows
rewrites nothing and bulk inserts that list their columns keep working. Plus the index the
list's churn-date drill-down reads in order."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0012_purchase_customer_day_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="value_segment",
            field=models.CharField(blank=True, choices=[("champions", "Champions"), ("loyal", "Loyal"), ("potential_loyalists", "Potential loyalists"), ("new", "New"), ("promising", "Promising"), ("need_attention", "Need attention"), ("about_to_sleep", "About to sleep"), ("at_risk", "At risk"), ("cannot_lose", "Cannot lose them"), ("hibernating", "Hibernating"), ("lost", "Lost")], db_default="", default="", editable=False, max_length=20, verbose_name="value segment"),
        ),
        migrations.AddField(
            model_name="customer",
            name="value_segment_at",
            field=models.DateTimeField(blank=True, editable=False, help_text="When the refresh that gave the customer its current value segment ran.", null=True, verbose_name="value segment since"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True), models.Q(("value_segment", ""), _negated=True)), fields=["value_segment", "created_at", "id"], name="customer_segment_created_idx"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True), ("churned_on__isnull", False)), fields=["churned_on", "id"], name="customer_churned_idx"),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.CheckConstraint(condition=models.Q(("value_segment__in", ["", "champions", "loyal", "potential_loyalists", "new", "promising", "need_attention", "about_to_sleep", "at_risk", "cannot_lose", "hibernating", "lost"])), name="customer_value_segment_valid"),
        ),
    ]
